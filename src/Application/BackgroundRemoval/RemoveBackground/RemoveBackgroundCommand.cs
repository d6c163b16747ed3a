using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using Mediator;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// Remove the background of one uploaded image and deliver it with an effect. Every image endpoint of every protocol
/// sends this one command with typed values: each edge adapter turns its own wire fields into them (FapiHub's form:
/// <c>FapiHubV2FormMapping</c> in the Api), so the handler never sees a protocol's vocabulary.
/// </summary>
/// <param name="Image">The uploaded file's bytes, still encoded; must not be empty.</param>
/// <param name="Model">A name from the model catalogue (<c>IModelCatalog.Names</c>), already resolved from what the client sent.</param>
/// <param name="Effect">What to do with the subject (cut-out, mask, blur, colour, gradient, shadow).</param>
/// <param name="Output">Format, quality and crop.</param>
public sealed record RemoveBackgroundCommand(ReadOnlyMemory<byte> Image, string Model, Effect Effect, OutputOptions Output)
    : ICommand<Result<ProcessedImage>>, IChargeable<Result<ProcessedImage>>
{
    public static Result<ProcessedImage> WithReceipt(Result<ProcessedImage> success, ChargeReceipt receipt) =>
        success.Value with { Charge = receipt };

    public static void Discard(Result<ProcessedImage> success) => success.Value.Content.Dispose();
}

/// <summary>An encoded result image ready to send, the model time it took and, once charged, its receipt.</summary>
public sealed record ProcessedImage(EncodedImage Content, string ContentType, int Width, int Height, TimeSpan ModelTime = default, ChargeReceipt? Charge = null)
{
    /// <summary>The subject's box in the delivered image; <c>null</c> when the model found none.</summary>
    public PixelBox? Foreground { get; init; }
}
