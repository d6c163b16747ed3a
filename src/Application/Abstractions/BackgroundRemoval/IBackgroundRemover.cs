using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>
/// A predicted matte, how long the model itself took (the <c>X-Inference-Ms</c> header), and, for a model configured
/// for colour decontamination, that step (null otherwise). The caller owns and disposes the mask and the step.
/// </summary>
public sealed record Prediction(AlphaMask Mask, TimeSpan ModelTime, IDecontamination? Decontamination = null);

/// <summary>Colour decontamination of a prediction's cut-out, holding what the prediction already built from the photo.</summary>
public interface IDecontamination : IDisposable
{
    /// <summary>
    /// Rewrites the colour of the photo's semi-transparent edge pixels with their estimated foreground colour, so the
    /// subject composed from it shows no fringe of the old background. In place, on the photo the prediction was made
    /// from (a copy would be another 48 MB at 12 MP); the prediction's mask is only read.
    /// </summary>
    void ApplyInPlace(RgbaImage photo, AlphaMask mask);
}

/// <summary>The port to the segmentation models.</summary>
public interface IBackgroundRemover
{
    /// <summary>
    /// Predicts the alpha matte of <paramref name="image"/> at its full resolution with the catalogue model
    /// <paramref name="model"/> (a name <see cref="IModelCatalog"/> knows). The photo is only read.
    /// </summary>
    ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken);
}
