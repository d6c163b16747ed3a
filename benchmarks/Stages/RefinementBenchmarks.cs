using BenchmarkDotNet.Attributes;
using FapiHub.Application.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;

namespace FapiHub.Benchmarks;

/// <summary>
/// The refinement's stages on the 1 MP photo (1200×900, so the working grid is 1024×768 and the last pass
/// interpolates): the guide grid, the filter's coefficients, the whole upsampler per tier (ghost: the 768² matte it
/// had, and as shipped at 672²; aurora: 1024²) and the decontamination. Run on one core (<c>taskset -c 0</c>): the
/// figures are ms per MP of the photo.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class RefinementBenchmarks
{
    private const int Width = 1200, Height = 900;

    private RgbaImage _photo = null!;
    private RgbaImage _scratch = null!;
    private AlphaMask _mask = null!;
    private AlphaMask _refined = null!;
    private float[] _ghostMatte = [];
    private float[] _ghostShippedMatte = [];
    private float[] _auroraMatte = [];
    private WorkingGrid _colourGrid = null!;
    private WorkingGrid _greyGrid = null!;
    private float[] _coefficients = [];

    [GlobalSetup]
    public void Setup()
    {
        var processor = new SkiaImageProcessor(Options.Create(new ImagingOptions()), Options.Create(new LimitsOptions()));
        _photo = processor.Decode(SyntheticPhoto.Jpeg(Width, Height)).Value;
        _scratch = new RgbaImage(Width, Height);
        _ghostMatte = SyntheticPhoto.Matte(768);
        _ghostShippedMatte = SyntheticPhoto.Matte(672);
        _auroraMatte = SyntheticPhoto.Matte(1024);
        _mask = new AlphaMask(Width, Height);
        _refined = new AlphaMask(Width, Height);
        _colourGrid = WorkingGrid.Create(_photo, color: true);
        _greyGrid = WorkingGrid.Create(_photo, color: false);
        MaskResampler.Resize(_ghostMatte, 768, 768, _colourGrid.Matte, _colourGrid.Width, _colourGrid.Height);
        MaskResampler.Resize(_ghostMatte, 768, 768, _greyGrid.Matte, _greyGrid.Width, _greyGrid.Height);
        _coefficients = new float[4 * _colourGrid.Count];
        using var grid = WorkingGrid.Create(_photo, color: true);
        EdgeAwareUpsampler.Apply(grid, _photo, _auroraMatte, 1024, 1024, Aurora, _mask);
    }

    private static EdgeAwareSettings Ghost => new(ColorGuide: true, Radius: 2, Epsilon: 1e-4f, Snap: 0.10f);

    private static EdgeAwareSettings GhostGrey => new(ColorGuide: false, Radius: 2, Epsilon: 1e-4f, Snap: 0.10f);

    private static EdgeAwareSettings Aurora => new(ColorGuide: true, Radius: 2, Epsilon: 1e-4f, Snap: 0.10f);

    private static EdgeAwareSettings FalconGrey => new(ColorGuide: false, Radius: 5, Epsilon: 1e-3f, Snap: 0.10f);

    private static EdgeAwareSettings GhostShipped => new(ColorGuide: false, Radius: 5, Epsilon: 3e-4f, Snap: 0.10f);

    private static EdgeAwareSettings AuroraGrey => new(ColorGuide: false, Radius: 2, Epsilon: 1e-4f, Snap: 0.10f);

    private static EdgeAwareSettings Subsampled(EdgeAwareSettings settings) => settings with { Subsample = 2 };

    [GlobalCleanup]
    public void Cleanup()
    {
        _photo.Dispose();
        _scratch.Dispose();
        _mask.Dispose();
        _refined.Dispose();
        _colourGrid.Dispose();
        _greyGrid.Dispose();
    }

    [Benchmark(Description = "guide grid, colour (resize + planes)")]
    public void ColourGrid()
    {
        using var grid = WorkingGrid.Create(_photo, color: true);
    }

    [Benchmark(Description = "coefficients, colour guided filter (r=3, 1024x768)")]
    public void ColourCoefficients()
    {
        var n = _colourGrid.Count;
        var c = _coefficients.AsSpan();
        ColorGuidedFilter.Coefficients(
            _colourGrid.Plane(0), _colourGrid.Plane(1), _colourGrid.Plane(2), _colourGrid.Matte, _colourGrid.Width, _colourGrid.Height, 3, 1e-4f,
            c[..n], c.Slice(n, n), c.Slice(2 * n, n), c.Slice(3 * n, n));
    }

    [Benchmark(Description = "coefficients, grey guided filter (r=3, 1024x768)")]
    public void GreyCoefficients()
    {
        var n = _greyGrid.Count;
        var c = _coefficients.AsSpan();
        GuidedFilter.Coefficients(_greyGrid.Plane(0), _greyGrid.Matte, _greyGrid.Width, _greyGrid.Height, 3, 1e-4f, c[..n], c.Slice(n, n));
    }

    [Benchmark(Description = "ghost refinement, colour (grid + filter + full-size pass)")]
    public void GhostColour()
    {
        using var grid = WorkingGrid.Create(_photo, color: true);
        EdgeAwareUpsampler.Apply(grid, _photo, _ghostMatte, 768, 768, Ghost, _refined);
    }

    [Benchmark(Description = "ghost refinement, grey (grid + filter + full-size pass)")]
    public void GhostGreyRefinement()
    {
        using var grid = WorkingGrid.Create(_photo, color: false);
        EdgeAwareUpsampler.Apply(grid, _photo, _ghostMatte, 768, 768, GhostGrey, _refined);
    }

    [Benchmark(Description = "aurora refinement, colour (grid + filter + full-size pass)")]
    public void AuroraColour()
    {
        using var grid = WorkingGrid.Create(_photo, color: true);
        EdgeAwareUpsampler.Apply(grid, _photo, _auroraMatte, 1024, 1024, Aurora, _refined);
    }

    [Benchmark(Description = "decontamination (aurora, on the refinement's grid; includes a 4 MB photo copy)")]
    public void Decontamination() => Decontaminate(1);

    [Benchmark(Description = "guide grid, colour, s = 2 (area average + planes, 512x384)")]
    public void ColourGridSubsampled()
    {
        using var grid = WorkingGrid.Create(_photo, color: true, subsample: 2);
    }

    [Benchmark(Description = "ghost refinement, colour, s = 2")]
    public void GhostColourSubsampled() => Refine(_ghostMatte, 768, Subsampled(Ghost));

    [Benchmark(Description = "ghost refinement, grey, s = 2")]
    public void GhostGreySubsampled() => Refine(_ghostMatte, 768, Subsampled(GhostGrey));

    [Benchmark(Description = "aurora refinement, colour, s = 2")]
    public void AuroraColourSubsampled() => Refine(_auroraMatte, 1024, Subsampled(Aurora));

    [Benchmark(Description = "decontamination, s = 2 (on the refinement's grid; includes a 4 MB photo copy)")]
    public void DecontaminationSubsampled() => Decontaminate(2);

    [Benchmark(Description = "falcon refinement, grey (1024² matte, r = 5, ε = 1e-3)")]
    public void FalconGreyRefinement() => Refine(_auroraMatte, 1024, FalconGrey);

    [Benchmark(Description = "ghost refinement as shipped, grey (672² matte, r = 5, ε = 3e-4)")]
    public void GhostShippedRefinement() => Refine(_ghostShippedMatte, 672, GhostShipped);

    [Benchmark(Description = "aurora refinement, grey (1024² matte), then decontamination on its own grid at s = 2")]
    public void AuroraGreyAndDecontamination()
    {
        Refine(_auroraMatte, 1024, AuroraGrey);
        Decontaminate(2);
    }

    private void Refine(float[] matte, int side, EdgeAwareSettings settings)
    {
        using var grid = WorkingGrid.Create(_photo, settings.ColorGuide, settings.Subsample);
        EdgeAwareUpsampler.Apply(grid, _photo, matte, side, side, settings, _refined);
    }

    /// <summary>As in the remover: the grid (built here, as the refinement would have) is handed to the estimator.</summary>
    private void Decontaminate(int subsample)
    {
        _photo.Span.CopyTo(_scratch.Span);
        var grid = WorkingGrid.Create(_scratch, color: true, subsample);
        using var decontamination = new ForegroundEstimator(grid);
        decontamination.ApplyInPlace(_scratch, _mask);
    }
}
