namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>
/// How images given by URL are fetched (section <c>ImageUrl</c>); the size limit is <c>Limits:MaxUploadBytes</c>, the
/// same as an upload's, so a URL is no way around it. Decisions: docs/decisions/0018-fetching-image-urls.md.
/// </summary>
public sealed class ImageUrlOptions
{
    public const string SectionName = "ImageUrl";

    /// <summary>Whether URLs are fetched at all; <c>false</c> refuses every one (<c>image_url_refused</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Hosts trusted even when they resolve to private, loopback or other internal addresses (an intranet image store,
    /// a test server): exact names (<c>images.internal</c>), one level of wildcard for every subdomain
    /// (<c>*.corp.example</c>, not the apex itself), or IP literals (<c>10.0.0.5</c>, <c>::1</c>). Matched against the
    /// host as written in each URL, redirects included, never against what it resolves to. Empty (the default): every
    /// host is fetched from public addresses only. Addresses that are never a unicast destination (<c>0.0.0.0/8</c>,
    /// <c>::</c>, multicast, broadcast, <c>240.0.0.0/4</c>) stay refused even for a listed host.
    /// </summary>
    public IList<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// When <c>true</c>, only the <see cref="AllowedHosts"/> are fetched (redirects included); every other host is
    /// refused, public or not. For operators who want URL input only from their own storage.
    /// </summary>
    public bool RestrictToAllowedHosts { get; set; }

    /// <summary>
    /// The whole fetch (name resolution, connection, every redirect, the body) must finish within this time; a slow or
    /// silent server answers <c>image_url_timeout</c>. A client's request waits this long at most for it.
    /// </summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Redirects followed (each one checked like the first URL); one more answers <c>image_url_unreachable</c>.</summary>
    public int MaxRedirects { get; set; } = 3;
}
