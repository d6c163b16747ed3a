using System.Net;
using FapiHub.Infrastructure.Imaging.UrlFetching;

namespace FapiHub.UnitTests.Infrastructure.UrlFetching;

/// <summary>Every range the image URL fetcher refuses, its edges, and the IPv6 forms that embed an IPv4 address.</summary>
public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")] // below 10/8
    [InlineData("11.0.0.0")] // above 10/8
    [InlineData("100.63.255.255")] // below 100.64/10
    [InlineData("100.128.0.0")] // above 100.64/10
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("168.63.129.15")] // beside Azure's host endpoint
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.0.1.0")]
    [InlineData("192.167.255.255")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2001:200::1")] // just past 2001::/23
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8: what a DNS64 resolver answers for every public site
    [InlineData("2002:808:808::1")] // 6to4 of 8.8.8.8
    public void Classify_WhenTheAddressIsPublic_ShouldAllowIt(string address) =>
        Assert.Equal(AddressKind.Public, AddressClassifier.Classify(IPAddress.Parse(address)).Kind);

    [Theory]
    [InlineData("10.0.0.1", "private (10.0.0.0/8)")]
    [InlineData("10.255.255.255", "private (10.0.0.0/8)")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.100.100.200", "Alibaba")] // Alibaba Cloud's metadata service
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("127.0.0.1", "loopback (127.0.0.0/8)")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("169.254.169.254", "metadata")] // AWS, GCP, Azure metadata
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("168.63.129.16", "Azure")]
    [InlineData("172.16.0.1", "private (172.16.0.0/12)")]
    [InlineData("172.31.255.255", "private (172.16.0.0/12)")]
    [InlineData("192.0.0.192", "Oracle")] // Oracle Cloud's metadata service
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("192.88.99.1", "6to4 relay")]
    [InlineData("192.168.1.1", "private (192.168.0.0/16)")]
    [InlineData("198.18.0.1", "benchmarking (198.18.0.0/15)")]
    [InlineData("198.19.255.255", "benchmarking")]
    [InlineData("198.51.100.7", "documentation")]
    [InlineData("203.0.113.9", "documentation")]
    [InlineData("::1", "loopback (::1)")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped loopback (127.0.0.0/8)")]
    [InlineData("::ffff:10.0.0.1", "IPv4-mapped private")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped link-local")]
    [InlineData("::127.0.0.1", "IPv4-compatible")]
    [InlineData("64:ff9b::7f00:1", "NAT64 loopback")] // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 link-local")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::1", "local-use NAT64")]
    [InlineData("100::1", "discard-only")]
    [InlineData("2001::1", "Teredo")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo")]
    [InlineData("2001:db8::1", "documentation (2001:db8::/32)")]
    [InlineData("2001:10::1", "IETF protocol assignments")]
    [InlineData("2002:7f00:1::1", "6to4 loopback")] // 6to4 of 127.0.0.1
    [InlineData("2002:c0a8:101::1", "6to4 private")] // 6to4 of 192.168.1.1
    [InlineData("3fff::1", "documentation (3fff::/20)")]
    [InlineData("fc00::1", "unique local")]
    [InlineData("fd00:ec2::254", "unique local")] // AWS's IPv6 metadata service
    [InlineData("fe80::1", "link-local (fe80::/10)")]
    [InlineData("febf:ffff::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("4000::1", "outside global unicast")]
    [InlineData("1::1", "outside global unicast")]
    public void Classify_WhenTheAddressIsInternal_ShouldRefuseItNamingTheRange(string address, string range)
    {
        var verdict = AddressClassifier.Classify(IPAddress.Parse(address));

        Assert.Equal(AddressKind.Internal, verdict.Kind);
        Assert.Contains(range, verdict.Range, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("ff02::1")]
    [InlineData("ff05::1:3")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::ffff:255.255.255.255")]
    [InlineData("64:ff9b::e000:1")] // NAT64 of 224.0.0.1
    public void Classify_WhenTheAddressIsNoUnicastDestination_ShouldRefuseItEvenForAListedHost(string address) =>
        Assert.Equal(AddressKind.NotUnicast, AddressClassifier.Classify(IPAddress.Parse(address)).Kind);

    /// <summary>
    /// .NET reads the inet_aton spellings as the address they mean, so even a spelling that slipped past
    /// <see cref="UrlRules"/> would be judged as that address.
    /// </summary>
    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://017700000001/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    public void Classify_WhenLoopbackIsSpelledAnotherWay_ShouldStillBeLoopback(string url)
    {
        var uri = new Uri(url);

        var verdict = AddressClassifier.Classify(IPAddress.Parse(uri.Host.Trim('[', ']')));

        Assert.Equal(AddressKind.Internal, verdict.Kind);
        Assert.Contains("loopback", verdict.Range, StringComparison.Ordinal);
    }
}
