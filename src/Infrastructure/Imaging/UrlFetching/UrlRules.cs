using System.Globalization;

namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>
/// What a URL must look like before anything is resolved or connected: http or https, a host, no user or password, a
/// port other than 0, and a host written one way only. .NET's <see cref="Uri"/> reads <c>http://2130706433/</c>,
/// <c>http://0177.0.0.1/</c>, <c>http://0x7f.1/</c> and <c>http://127.1/</c> all as <c>127.0.0.1</c> (the inet_aton
/// spellings), and the system resolver reads the names <c>08.1.1.1</c> or <c>127.0.0.1.</c> its own way. Every address
/// is judged after resolution anyway, so no spelling reaches a refused address; refusing the odd spellings outright
/// also means the allow-list, the logs and the client all see the same host.
/// </summary>
internal static class UrlRules
{
    /// <summary>Why <paramref name="uri"/> is refused before resolution, as a clause; <c>null</c> when it may go on.</summary>
    public static string? Problem(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            return "it is not an absolute http or https URL";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"only http and https URLs are fetched (this one is {uri.Scheme})";
        }

        if (uri.UserInfo.Length > 0)
        {
            // http://trusted.example@evil.example/ reads differently to people and parsers; nothing needs credentials here.
            return "URLs with a user name or password are not fetched";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return "it has no host";
        }

        if (uri.Port is < 1 or > 65535)
        {
            return string.Create(CultureInfo.InvariantCulture, $"port {uri.Port} cannot be connected to");
        }

        if (uri.HostNameType == UriHostNameType.IPv4 && !WrittenAsIs(uri))
        {
            return $"the address {uri.Host} is not written as four decimal numbers (decimal, octal, hexadecimal and shortened spellings are refused)";
        }

        if (uri.HostNameType is UriHostNameType.Dns or UriHostNameType.Basic && EndsInNumericLabel(uri.IdnHost))
        {
            return $"the host '{uri.IdnHost}' is neither a dotted-decimal IPv4 address nor a DNS name (its last label is a number)";
        }

        return null;
    }

    /// <summary>
    /// Whether a name's last label is a number (<c>08.1.1.1</c>, <c>1.2.3.4.5</c>, <c>127.0.0.1.</c>, <c>0x7f</c>): no
    /// top-level domain is numeric (RFC 3696 §2), so such a "name" is an address in some resolver's eyes.
    /// </summary>
    public static bool EndsInNumericLabel(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var trimmed = host.TrimEnd('.');
        var last = trimmed[(trimmed.LastIndexOf('.') + 1)..];
        if (last.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return last.Length == 2 || last[2..].All(char.IsAsciiHexDigit);
        }

        return last.Length > 0 && last.All(char.IsAsciiDigit);
    }

    /// <summary>Whether the IPv4 host in the URL's own text is the canonical dotted-decimal form <see cref="Uri.Host"/> shows.</summary>
    private static bool WrittenAsIs(Uri uri)
    {
        var text = uri.OriginalString.Trim();
        var start = text.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var authority = text[(start + 3)..];
        var end = authority.IndexOfAny(['/', '?', '#', '\\']);
        if (end >= 0)
        {
            authority = authority[..end];
        }

        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var colon = authority.LastIndexOf(':');
        var host = colon >= 0 ? authority[..colon] : authority;
        return string.Equals(host, uri.Host, StringComparison.OrdinalIgnoreCase);
    }
}
