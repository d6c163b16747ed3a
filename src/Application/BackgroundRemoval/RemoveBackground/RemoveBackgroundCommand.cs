using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using Mediator;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// Remove the background of one uploaded image and deliver it with an effect. Every image endpoint sends this one
/// command; they differ only in <paramref name="Effect"/>.
/// </summary>
/// <param name="Image">The uploaded file's bytes, still encoded; empty when the client sent no file.</param>
/// <param name="Model">The model name as the client sent it (<c>null</c> or empty: the default).</param>
/// <param name="Effect">What to do with the subject (cut-out, mask, blur, colour, gradient, shadow).</param>
/// <param name="Output">Format, quality and crop.</param>
public sealed record RemoveBackgroundCommand(ReadOnlyMemory<byte> Image, string? Model, EffectRequest Effect, OutputRequest Output)
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
