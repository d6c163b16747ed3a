namespace FapiHub.Application.Common;

/// <summary>
/// Request limits and timeouts (section <c>Limits</c>): the HTTP edge reads the upload size, timeouts and drain time,
/// the image port the pixel limit, so the one class lives in the layer both see.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>
    /// The request body may exceed the image by this much for the multipart boundaries and the other form fields,
    /// so an image of exactly <see cref="MaxUploadBytes"/> is still accepted.
    /// </summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>Largest accepted image upload: 10 MB, the upper bound FapiHub's own tooling documents.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Largest accepted image, in pixels (width × height, read from the header before any pixel is decoded), and
    /// largest output. 25 MP holds any phone photo; the RGBA buffer of such an image is 100 MB, so the cap also bounds memory.
    /// </summary>
    public long MaxPixels { get; set; } = 25_000_000;

    /// <summary>A client must send its request line and headers within this time (Kestrel's default is 30 s).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 15;

    /// <summary>An idle keep-alive connection is closed after this time.</summary>
    public int KeepAliveTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Slowest accepted upload, after a grace period: a 10 MB image at 8 KB/s would still take 20 minutes, but a client
    /// that trickles bytes to hold a connection open (slowloris) is cut off. Kestrel's own default is 240 B/s.
    /// </summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 8 * 1024;

    /// <summary>Grace period before the minimum body rate applies (Kestrel requires more than 1 s).</summary>
    public int MinRequestBodyGraceSeconds { get; set; } = 10;

    /// <summary>On shutdown (SIGTERM), how long in-flight requests get to finish before the process exits.</summary>
    public int DrainTimeoutSeconds { get; set; } = 30;

    public long MaxRequestBodyBytes => MaxUploadBytes + MultipartOverheadBytes;
}
