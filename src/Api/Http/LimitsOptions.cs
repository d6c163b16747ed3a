namespace FapiHub.Api.Http;

/// <summary>Request limits (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest accepted image upload: 10 MB, the upper bound FapiHub's own tooling documents.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// The request body may exceed the image by this much for the multipart boundaries and the other form fields,
    /// so an image of exactly <see cref="MaxUploadBytes"/> is still accepted.
    /// </summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    public long MaxRequestBodyBytes => MaxUploadBytes + MultipartOverheadBytes;
}
