using FapiHub.Application.Common;

namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>
/// Which wire protocol a request speaks: remove.bg's under <see cref="BasePath"/>, FapiHub's everywhere else. By the
/// endpoint's metadata where routing found one, else by path, because the answers that matter most here (no route,
/// an over-size body, a bad key) can come before or without an endpoint.
/// </summary>
internal static class RemoveBgProtocol
{
    public const string BasePath = "/v1.0";

    public static bool Speaks(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint()?.Metadata.GetMetadata<RemoveBgEndpointAttribute>() is not null
            || Speaks(context.Request.Path);
    }

    /// <summary>
    /// The largest body of a remove.bg request: one that carries an image of <see cref="LimitsOptions.MaxUploadBytes"/>
    /// in any of its encodings. Base64 takes 4 bytes for every 3; a URL-encoded form escapes base64's '+' and '/' as
    /// 3 bytes each (2 of its 64 characters, so 1/16 more for the uniform-looking base64 of a compressed image); and
    /// <see cref="LimitsOptions.MultipartOverheadBytes"/> is left for the other parameters and a <c>data:</c> prefix.
    /// The image itself is still held to <see cref="LimitsOptions.MaxUploadBytes"/> once decoded (<see cref="RemoveBgRequest"/>).
    /// </summary>
    public static long MaxBodyBytes(LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var base64 = 4 * ((limits.MaxUploadBytes + 2) / 3);
        return base64 + (base64 / 16) + LimitsOptions.MultipartOverheadBytes;
    }

    /// <summary>By path alone: for answers written where there is no HttpContext (Kestrel's own rejections).</summary>
    public static bool Speaks(PathString path) => path.StartsWithSegments(BasePath, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Marks the endpoints that answer in remove.bg's protocol (MVC copies it into the endpoint's metadata).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class RemoveBgEndpointAttribute : Attribute;
