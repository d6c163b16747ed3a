using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>The port to the segmentation models.</summary>
public interface IBackgroundRemover
{
    /// <summary>
    /// Predicts the alpha matte of <paramref name="image"/> at its full resolution with the catalogue model
    /// <paramref name="model"/> (a name <see cref="IModelCatalog"/> knows).
    /// </summary>
    ValueTask<Result<AlphaMask>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken);
}
