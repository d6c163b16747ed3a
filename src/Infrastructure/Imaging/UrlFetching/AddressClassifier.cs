using System.Net;
using System.Net.Sockets;

namespace FapiHub.Infrastructure.Imaging.UrlFetching;

/// <summary>What a destination address is, for the image URL fetcher.</summary>
internal enum AddressKind
{
    /// <summary>Reachable on the public internet: fetched.</summary>
    Public,

    /// <summary>Private, loopback, link-local, cloud metadata, documentation, CGNAT…: fetched only for an allow-listed host.</summary>
    Internal,

    /// <summary>Not a unicast destination at all (unspecified, multicast, broadcast, reserved): never fetched.</summary>
    NotUnicast,
}

/// <summary>An address's kind and the range that decided it, e.g. "loopback (127.0.0.0/8)".</summary>
internal readonly record struct AddressClass(AddressKind Kind, string Range);

/// <summary>
/// Sorts an address into public and not, from the IANA special-purpose registries (RFC 6890 and successors) plus the
/// cloud metadata endpoints. IPv6 is an allow-list: only global unicast (<c>2000::/3</c>) can be public, minus its
/// special blocks, so an unlisted future range is refused rather than fetched. Addresses that embed an IPv4 address
/// (IPv4-mapped, NAT64 <c>64:ff9b::/96</c>, 6to4 <c>2002::/16</c>) are judged by the embedded address: a DNS64 network
/// answers <c>64:ff9b::</c> for every public site, so refusing the prefix outright would refuse everything there.
/// </summary>
internal static class AddressClassifier
{
    private static readonly Block[] V4Blocks =
    [
        new("0.0.0.0", 8, AddressKind.NotUnicast, "'this network' (0.0.0.0/8), which reaches this machine"),
        new("10.0.0.0", 8, AddressKind.Internal, "private (10.0.0.0/8)"),
        new("100.64.0.0", 10, AddressKind.Internal, "shared carrier-grade NAT (100.64.0.0/10), which also holds Alibaba Cloud's metadata service"),
        new("127.0.0.0", 8, AddressKind.Internal, "loopback (127.0.0.0/8)"),
        new("169.254.0.0", 16, AddressKind.Internal, "link-local (169.254.0.0/16), which holds the cloud metadata service 169.254.169.254"),
        new("168.63.129.16", 32, AddressKind.Internal, "Azure's host endpoint (168.63.129.16), a platform service reachable only from inside Azure"),
        new("172.16.0.0", 12, AddressKind.Internal, "private (172.16.0.0/12)"),
        new("192.0.0.0", 24, AddressKind.Internal, "IETF protocol assignments (192.0.0.0/24), which holds Oracle Cloud's metadata service"),
        new("192.0.2.0", 24, AddressKind.Internal, "documentation (192.0.2.0/24)"),
        new("192.88.99.0", 24, AddressKind.Internal, "the deprecated 6to4 relay anycast (192.88.99.0/24)"),
        new("192.168.0.0", 16, AddressKind.Internal, "private (192.168.0.0/16)"),
        new("198.18.0.0", 15, AddressKind.Internal, "benchmarking (198.18.0.0/15)"),
        new("198.51.100.0", 24, AddressKind.Internal, "documentation (198.51.100.0/24)"),
        new("203.0.113.0", 24, AddressKind.Internal, "documentation (203.0.113.0/24)"),
        new("224.0.0.0", 4, AddressKind.NotUnicast, "multicast (224.0.0.0/4)"),
        new("255.255.255.255", 32, AddressKind.NotUnicast, "broadcast (255.255.255.255)"),
        new("240.0.0.0", 4, AddressKind.NotUnicast, "reserved (240.0.0.0/4)"),
    ];

    // Checked in order, so a narrower block comes before the wider one it sits in.
    private static readonly Block[] V6Blocks =
    [
        new("::", 128, AddressKind.NotUnicast, "unspecified (::)"),
        new("::1", 128, AddressKind.Internal, "loopback (::1)"),
        new("::", 96, AddressKind.Internal, "IPv4-compatible (::/96, deprecated)"),
        new("64:ff9b:1::", 48, AddressKind.Internal, "local-use NAT64 (64:ff9b:1::/48)"),
        new("100::", 64, AddressKind.Internal, "discard-only (100::/64)"),
        new("2001::", 32, AddressKind.Internal, "Teredo (2001::/32), whose tunnelled address cannot be judged"),
        new("2001:db8::", 32, AddressKind.Internal, "documentation (2001:db8::/32)"),
        new("2001::", 23, AddressKind.Internal, "IETF protocol assignments (2001::/23)"),
        new("3fff::", 20, AddressKind.Internal, "documentation (3fff::/20)"),
        new("fc00::", 7, AddressKind.Internal, "unique local (fc00::/7), which holds AWS's metadata service fd00:ec2::254"),
        new("fe80::", 10, AddressKind.Internal, "link-local (fe80::/10)"),
        new("fec0::", 10, AddressKind.Internal, "site-local (fec0::/10, deprecated)"),
        new("ff00::", 8, AddressKind.NotUnicast, "multicast (ff00::/8)"),
    ];

    private static readonly Block GlobalUnicast = new("2000::", 3, AddressKind.Public, "global unicast (2000::/3)");
    private static readonly Block Nat64 = new("64:ff9b::", 96, AddressKind.Public, "NAT64 (64:ff9b::/96)");
    private static readonly Block SixToFour = new("2002::", 16, AddressKind.Public, "6to4 (2002::/16)");

    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Embedded("IPv4-mapped", address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return Match(V4Blocks, v4) ?? new AddressClass(AddressKind.Public, "public");
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return new AddressClass(AddressKind.NotUnicast, $"not an IP address ({address.AddressFamily})");
        }

        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        if (Nat64.Contains(v6))
        {
            return Embedded("NAT64", new IPAddress(v6[12..]));
        }

        if (SixToFour.Contains(v6))
        {
            return Embedded("6to4", new IPAddress(v6[2..6]));
        }

        return Match(V6Blocks, v6)
            ?? (GlobalUnicast.Contains(v6)
                ? new AddressClass(AddressKind.Public, "public")
                : new AddressClass(AddressKind.Internal, "reserved (outside global unicast 2000::/3)"));
    }

    private static AddressClass? Match(Block[] blocks, ReadOnlySpan<byte> address)
    {
        foreach (var block in blocks)
        {
            if (block.Contains(address))
            {
                return new AddressClass(block.Kind, block.Range);
            }
        }

        return null;
    }

    private static AddressClass Embedded(string how, IPAddress v4)
    {
        var inner = Classify(v4);
        return inner.Kind == AddressKind.Public ? inner : inner with { Range = $"{how} {inner.Range}" };
    }

    private readonly record struct Block
    {
        private readonly byte[] _network;
        private readonly int _prefixLength;

        public Block(string network, int prefixLength, AddressKind kind, string range)
        {
            _network = IPAddress.Parse(network).GetAddressBytes();
            _prefixLength = prefixLength;
            Kind = kind;
            Range = range;
        }

        public AddressKind Kind { get; }

        public string Range { get; }

        public bool Contains(ReadOnlySpan<byte> address)
        {
            if (address.Length != _network.Length)
            {
                return false;
            }

            var whole = _prefixLength / 8;
            if (!address[..whole].SequenceEqual(_network.AsSpan(0, whole)))
            {
                return false;
            }

            var rest = _prefixLength % 8;
            if (rest == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - rest));
            return (address[whole] & mask) == (_network[whole] & mask);
        }
    }
}
