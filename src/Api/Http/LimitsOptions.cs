namespace FapiHub.Api.Http;

/// <summary>Request limits and timeouts (section <c>Limits</c>; <c>Limits:MaxPixels</c> is read by the image decoder).</summary>
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

/// <summary>Cross-origin access (section <c>Cors</c>): off unless origins are configured.</summary>
public sealed class CorsSettings
{
    public const string SectionName = "Cors";

    /// <summary>Origins allowed to call the API from a browser, e.g. <c>https://app.example.com</c>. Empty: no CORS headers at all.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>The OpenAPI document and Swagger UI (section <c>Swagger</c>).</summary>
public static class SwaggerSettings
{
    /// <summary><c>true</c> (the default): serve /swagger and /swagger/v1/swagger.json; <c>false</c>: both are 404.</summary>
    public const string EnabledKey = "Swagger:Enabled";
}
