using System.Globalization;
using FapiHub.Domain.Imaging;

namespace FapiHub.Api.Http;

/// <summary>
/// <c>X-Foreground-Top</c>, <c>-Left</c>, <c>-Width</c>, <c>-Height</c>: the subject's bounding box in the delivered
/// image, as remove.bg names them; written on both protocols' image answers. Left out when no subject was found.
/// </summary>
internal static class ForegroundHeaders
{
    public static readonly string[] Names = ["X-Foreground-Top", "X-Foreground-Left", "X-Foreground-Width", "X-Foreground-Height"];

    public static void Write(HttpResponse response, PixelBox? foreground)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (foreground is not { } box)
        {
            return;
        }

        var headers = response.Headers;
        headers["X-Foreground-Top"] = box.Y.ToString(CultureInfo.InvariantCulture);
        headers["X-Foreground-Left"] = box.X.ToString(CultureInfo.InvariantCulture);
        headers["X-Foreground-Width"] = box.Width.ToString(CultureInfo.InvariantCulture);
        headers["X-Foreground-Height"] = box.Height.ToString(CultureInfo.InvariantCulture);
    }
}
