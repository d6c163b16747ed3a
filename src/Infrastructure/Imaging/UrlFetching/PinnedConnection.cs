using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>The addresses checked for one request's host: its connection goes to one of these and nowhere else.</summary>
internal sealed record PinnedAddresses(string Host, IReadOnlyList<IPAddress> Addresses);

/// <summary>
/// The fetcher's HTTP handler. The request keeps its URL (so the Host header, SNI and certificate validation all use the
/// name), but the handler never resolves that name: its connect callback takes the addresses the fetcher resolved and
/// checked, from the request, and connects to them. A second lookup could answer differently (DNS rebinding: public
/// when checked, 127.0.0.1 when connected); this way the checked address is the connected one. A request without
/// them, or for another host, gets no connection at all.
/// </summary>
internal static class PinnedConnection
{
    public static readonly HttpRequestOptionsKey<PinnedAddresses> AddressesKey = new("FapiHub.ImageUrl.PinnedAddresses");

    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        // Each hop is checked by the fetcher before it is requested; an automatic redirect would skip that.
        AllowAutoRedirect = false,
        // A proxy would resolve and connect on its own, past every check.
        UseProxy = false,
        UseCookies = false,
        PreAuthenticate = false,
        // Compressed bodies would make the byte limit a limit on the compressed size; none is asked for.
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = connectTimeout,
        MaxResponseHeadersLength = 64, // KiB
        ConnectCallback = ConnectAsync,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(AddressesKey, out var pinned)
            || !SameHost(pinned.Host, context.DnsEndPoint.Host)
            || pinned.Addresses.Count == 0)
        {
            throw new InvalidOperationException($"No checked address for '{context.DnsEndPoint.Host}': the image URL fetcher connects only to addresses it has checked.");
        }

        SocketException? last = null;
        foreach (var address in pinned.Addresses)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static bool SameHost(string pinned, string connecting) =>
        IPAddress.TryParse(pinned.Trim('[', ']'), out var a) && IPAddress.TryParse(connecting.Trim('[', ']'), out var b)
            ? a.Equals(b)
            : string.Equals(pinned.TrimEnd('.'), connecting.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}

/// <summary>Resolves a host name to its addresses: the one lookup a fetch makes per host (a seam for tests).</summary>
internal interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

internal sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
