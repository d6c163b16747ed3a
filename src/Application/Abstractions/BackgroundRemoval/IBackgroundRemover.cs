using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>A predicted matte and how long the model itself took (the <c>X-Inference-Ms</c> header).</summary>
public sealed record Prediction(AlphaMask Mask, TimeSpan ModelTime);

/// <summary>The port to the segmentation models.</summary>
public interface IBackgroundRemover
{
    /// <summary>
    /// Predicts the alpha matte of <paramref name="image"/> at its full resolution with the catalogue model
    /// <paramref name="model"/> (a name <see cref="IModelCatalog"/> knows). A model configured with colour
    /// decontamination also rewrites the colour of the photo's semi-transparent edge pixels, in place, with the
    /// estimated foreground colour, so the cut-out composed from it shows no fringe of the old background.
    /// </summary>
    ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken);
}
