using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// The errors both an edge mapping and <see cref="RemoveBackgroundCommandValidator"/> can answer, written once so a
/// field refused at the edge and an invariant refused in the pipeline read the same on the wire.
/// </summary>
public static class RemoveBackgroundErrors
{
    public static readonly Error ImageMissing = DomainErrors.Request.InvalidField(
        "image", "Field 'image' must be given: send the picture as a non-empty file in this multipart field.");

    /// <summary>
    /// JPEG has no alpha channel: refused rather than a transparent result silently flattened onto black.
    /// </summary>
    public static readonly Error TransparentJpeg = DomainErrors.Request.InvalidField(
        "format",
        "Field 'format' must be png or webp for this result: jpg cannot hold transparency and this result has a transparent background (or choose an opaque colour).");

    public static Error UnknownModel(string? requested, IModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return DomainErrors.Request.InvalidField(
            "model",
            $"Field 'model' must be one of {string.Join(", ", catalog.Names)} (default {catalog.DefaultModel}); was '{Echo.Value(requested)}'.");
    }
}
