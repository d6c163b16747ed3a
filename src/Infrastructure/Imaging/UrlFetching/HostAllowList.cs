using System.Net;
using System.Net.Sockets;

namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>
/// <c>ImageUrl:AllowedHosts</c>: exact hosts, <c>*.domain</c> for every subdomain, IP literals. A URL matches by its
/// host as written (ASCII form, lower case, no trailing dot; IP literals in canonical form), never by what the host
/// resolves to: a listed name cannot lend its trust to an address another name resolves to.
/// </summary>
internal sealed class HostAllowList
{
    private readonly HashSet<string> _hosts = new(StringComparer.Ordinal);
    private readonly List<string> _suffixes = [];

    public HostAllowList(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (Problem(entry) is not null)
            {
                continue; // the options validator stops start-up on it; an unreadable entry never widens the list
            }

            var key = Normalize(entry);
            if (key.StartsWith("*.", StringComparison.Ordinal))
            {
                _suffixes.Add(key[1..]);
            }
            else
            {
                _hosts.Add(key);
            }
        }
    }

    public bool IsEmpty => _hosts.Count == 0 && _suffixes.Count == 0;

    public bool Contains(Uri uri)
    {
        var host = HostKey(uri);
        return _hosts.Contains(host) || _suffixes.Exists(suffix => host.EndsWith(suffix, StringComparison.Ordinal));
    }

    /// <summary>The host of <paramref name="uri"/> in the form entries are kept in.</summary>
    public static string HostKey(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.Parse(uri.Host.Trim('[', ']')).ToString()
            : uri.IdnHost.TrimEnd('.').ToLowerInvariant();
    }

    /// <summary>Why <paramref name="entry"/> is not a usable entry, or <c>null</c> when it is.</summary>
    public static string? Problem(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "it is empty";
        }

        var text = entry.Trim();
        if (text.Any(c => c > 0x7F))
        {
            return "write an internationalised name in its xn-- (punycode) form";
        }

        if (text.Contains("://", StringComparison.Ordinal) || text.IndexOfAny(['/', '@', '?', '#', ' ', '\\']) >= 0)
        {
            return "a host only: no scheme, user, path or spaces";
        }

        var bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        if (IPAddress.TryParse(bare, out var address))
        {
            // IPAddress.Parse also reads 2130706433 and 0177.0.0.1 as 127.0.0.1; an entry says exactly what it means.
            return address.AddressFamily == AddressFamily.InterNetwork && bare != address.ToString()
                ? "write an IPv4 address as four decimal numbers, e.g. 127.0.0.1"
                : null;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return "no port: every port of a listed host is allowed";
        }

        var name = text.StartsWith("*.", StringComparison.Ordinal) ? text[2..] : text;
        if (text.StartsWith("*.", StringComparison.Ordinal) && !name.TrimEnd('.').Contains('.', StringComparison.Ordinal))
        {
            return "a wildcard must cover a domain of two labels or more (*.corp.example, not *.example)";
        }

        if (Uri.CheckHostName(name.TrimEnd('.')) != UriHostNameType.Dns)
        {
            return "not a valid host name";
        }

        return UrlRules.EndsInNumericLabel(name) ? "a host name's last label is never a number" : null;
    }

    private static string Normalize(string entry)
    {
        var text = entry.Trim();
        var bare = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        return IPAddress.TryParse(bare, out var address) ? address.ToString() : text.TrimEnd('.').ToLowerInvariant();
    }
}
