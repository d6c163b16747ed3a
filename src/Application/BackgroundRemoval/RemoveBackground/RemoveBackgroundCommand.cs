using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using Mediator;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// Remove the background of one uploaded image.
/// </summary>
/// <param name="Image">The uploaded file's bytes, still encoded; empty when the client sent no file.</param>
/// <param name="Model">The model name as the client sent it (<c>null</c> or empty: the default).</param>
/// <param name="Output">Cut-out or matte.</param>
public sealed record RemoveBackgroundCommand(ReadOnlyMemory<byte> Image, string? Model, OutputKind Output)
    : ICommand<Result<ProcessedImage>>, IChargeable;

/// <summary>An encoded result image ready to send.</summary>
public sealed record ProcessedImage(byte[] Content, string ContentType, int Width, int Height);
