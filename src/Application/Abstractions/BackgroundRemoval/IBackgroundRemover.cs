using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>
/// A predicted matte (the caller's to dispose), how long the model itself took (the <c>X-Inference-Ms</c> header), and
/// whether the model is configured for colour decontamination (<c>IImageProcessor.DecontaminateInPlace</c>).
/// </summary>
public sealed record Prediction(AlphaMask Mask, TimeSpan ModelTime, bool DecontaminateColors = false);

/// <summary>The port to the segmentation models.</summary>
public interface IBackgroundRemover
{
    /// <summary>
    /// Predicts the alpha matte of <paramref name="image"/> at its full resolution with the catalogue model
    /// <paramref name="model"/> (a name <see cref="IModelCatalog"/> knows). The photo is only read.
    /// </summary>
    ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken);
}
