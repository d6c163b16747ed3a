using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>The model catalogue (section <c>Models</c>): every name a client may send, and what runs behind it.</summary>
public sealed class ModelCatalogOptions
{
    public const string SectionName = "Models";

    /// <summary>Folder of the .onnx files; relative paths resolve against the application's base directory.</summary>
    public string Directory { get; set; } = "models";

    /// <summary>The model used when a request names none.</summary>
    public string Default { get; set; } = "falcon";

    public Dictionary<string, ModelDefinition> Catalog { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The absolute path of a file named relative to <see cref="Directory"/> (itself under the app's base directory): a
    /// model's <see cref="ModelDefinition.File"/>, a recipe's weights or calibration table.
    /// </summary>
    public string PathOf(string file) => Path.GetFullPath(file, DirectoryPath);

    /// <summary>The absolute path of <see cref="Directory"/>.</summary>
    internal string DirectoryPath => Path.GetFullPath(Directory, AppContext.BaseDirectory);
}

/// <summary>One catalogue entry. Adding a model is a file plus one of these; no code.</summary>
public sealed class ModelDefinition
{
    /// <summary>The ONNX file, relative to <see cref="ModelCatalogOptions.Directory"/> (or absolute).</summary>
    public string File { get; set; } = string.Empty;

    /// <summary>
    /// Side of the square input the graph expects (IS-Net: 1024; the size is baked into the graph). Ignored when a
    /// <see cref="Recipe"/> is given: its resolution is the input size.
    /// </summary>
    public int InputSize { get; set; } = 1024;

    /// <summary>
    /// How <see cref="File"/> is made from pinned weights (precision and resolution). The build derives the recipes
    /// pinned in models/manifest.json; a configured recipe whose file is missing is derived at start-up, so a new tier
    /// (say int8 at 1280) needs configuration only.
    /// </summary>
    public ModelRecipe? Recipe { get; set; }

    /// <summary>Input tensor name; empty means the graph's first input.</summary>
    public string? InputName { get; set; }

    /// <summary>The output holding the matte. IS-Net exposes twelve outputs; fetching only this one saves time and memory.</summary>
    public string OutputName { get; set; } = "output";

    /// <summary>Per-channel (R, G, B) mean in 0–255 units: the model sees <c>(v - mean) / std</c>. Default: IS-Net's 128.</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per-channel (R, G, B) standard deviation in 0–255 units. Default: IS-Net's 256.</summary>
    public float[]? Std { get; set; }

    /// <summary>How raw output values become a 0–1 matte.</summary>
    public OutputActivation Activation { get; set; } = OutputActivation.None;

    /// <summary>What happens to the matte after it is upsampled to the photo's size.</summary>
    public MaskRefinement Refinement { get; set; } = MaskRefinement.None;

    /// <summary>Guided-filter window radius, in pixels of a 1024-pixel-wide working image (scaled for other sizes).</summary>
    public int GuidedFilterRadius { get; set; } = 6;

    /// <summary>Guided-filter regularisation: photo variance (0–1 intensity units) below which edges are smoothed rather than followed.</summary>
    public float GuidedFilterEpsilon { get; set; } = 1e-3f;

    /// <summary>
    /// The fast guided filter's subsampling s (He and Sun 2015), 1–4: the refinement's coefficients and the
    /// decontamination's estimate are solved on a grid of the photo (at most 1024 px a side) divided by s, with the
    /// radius scaled alike, and applied at the photo's full resolution. s = 2 costs about a quarter of s = 1.
    /// </summary>
    public int GuidedFilterSubsample { get; set; } = 1;

    /// <summary>
    /// After a refinement, matte values within this distance of 0 or 1 become exactly 0 or 1 (0 = off, at most 0.25).
    /// The model's confident calls carry a faint residue (a 2–5 % veil over the background, a subject interior at
    /// 97 %) that shows as haze or see-through patches once the cut-out is laid over a new background.
    /// </summary>
    public float ConfidenceSnap { get; set; }

    /// <summary>
    /// Colour decontamination: semi-transparent edge pixels of the cut-out get their estimated foreground colour
    /// (<see cref="ForegroundEstimator"/>) instead of the photo's mix of subject and old background, so no fringe of
    /// the old background shows on a new one. Opaque pixels keep the photo's colour; the mask is unchanged.
    /// </summary>
    public bool DecontaminateColors { get; set; }

    /// <summary>
    /// Runs the network a second time on the photo's mirror image and averages the two mattes (test-time flip).
    /// IS-Net's mattes are not mirror-symmetric where it is unsure (hair, leaves, strings); the mean of both views
    /// is closer to the truth there. Costs a second model run, so it suits a quality tier, not the default.
    /// </summary>
    public bool FlipAverage { get; set; }

    /// <summary>
    /// Another catalogue model whose network also runs on the photo (at its own input size, inside the same slot);
    /// its matte is resampled to this model's grid and averaged in (test-time multi-scale). Empty: none.
    /// </summary>
    public string? AlsoAverage { get; set; }

    /// <summary>A line for the documentation and the OpenAPI description.</summary>
    public string? Description { get; set; }

    /// <summary>The input side the graph is run at: the recipe's resolution, else <see cref="InputSize"/>.</summary>
    internal int EffectiveInputSize => Recipe?.Resolution ?? InputSize;

    // Configuration binding appends to pre-filled arrays, so defaults are applied here rather than in initialisers.
    internal float[] MeanOrDefault => Mean is { Length: 3 } ? Mean : [128f, 128f, 128f];

    internal float[] StdOrDefault => Std is { Length: 3 } ? Std : [256f, 256f, 256f];
}

/// <summary>A catalogue graph's recipe: which pinned weights, at which precision and square resolution.</summary>
public sealed class ModelRecipe
{
    /// <summary>The source weights: a file in <see cref="ModelCatalogOptions.Directory"/> (a manifest download).</summary>
    public string Weights { get; set; } = "isnet-fp16.onnx";

    /// <summary><c>fp16</c> (as downloaded), <c>fp32</c> (weights widened) or <c>int8</c> (static QDQ from <see cref="Calibration"/>).</summary>
    public string Precision { get; set; } = "fp32";

    /// <summary>Side of the square input; the graph's baked Resize sizes are rescaled to it.</summary>
    public int Resolution { get; set; } = 1024;

    /// <summary>For int8: the calibration table (activation ranges), relative to <see cref="ModelCatalogOptions.Directory"/>.</summary>
    public string? Calibration { get; set; }
}

/// <summary>Maps raw model output to 0–1.</summary>
public enum OutputActivation
{
    /// <summary>The graph already ends in a sigmoid (IS-Net); values are only clamped.</summary>
    None,

    /// <summary>The graph outputs logits.</summary>
    Sigmoid,

    /// <summary>Stretch the output's own min–max range to 0–1 (U²-Net style graphs).</summary>
    MinMax,
}

/// <summary>Post-processing of the upsampled matte.</summary>
public enum MaskRefinement
{
    /// <summary>Bilinear upsampling only.</summary>
    None,

    /// <summary>Edge-aware upsampling: a guided filter with the photo's luma as guide (He et al.), applied fast-guided-filter style.</summary>
    GuidedFilter,

    /// <summary>As <see cref="GuidedFilter"/>, with the photo's three colour channels as guide (follows edges between colours of equal brightness).</summary>
    ColorGuidedFilter,
}
