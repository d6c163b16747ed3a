using FapiHub.Infrastructure.Imaging.UrlFetching;

namespace FapiHub.UnitTests.Infrastructure.UrlFetching;

/// <summary>What a URL must look like before the fetcher resolves anything.</summary>
public sealed class UrlRulesTests
{
    [Theory]
    [InlineData("ftp://example.com/a.png", "only http and https")]
    [InlineData("file:///etc/passwd", "only http and https")]
    [InlineData("gopher://example.com:70/_x", "only http and https")]
    [InlineData("ws://example.com/", "only http and https")]
    [InlineData("http://user@example.com/a.png", "user name or password")]
    [InlineData("http://user:secret@example.com/a.png", "user name or password")]
    [InlineData("http://example.com:0/a.png", "port 0")]
    [InlineData("http://2130706433/", "four decimal numbers")]
    [InlineData("http://0177.0.0.1/", "four decimal numbers")]
    [InlineData("http://0x7f.1/", "four decimal numbers")]
    [InlineData("http://127.1/", "four decimal numbers")]
    [InlineData("http://0x7f000001:8080/", "four decimal numbers")]
    [InlineData("http://134744072/", "four decimal numbers")] // 8.8.8.8: refused for its spelling, not its address
    [InlineData("http://127.0.0.1./", "last label is a number")]
    [InlineData("http://08.1.1.1/", "last label is a number")]
    [InlineData("http://1.2.3.4.5/", "last label is a number")]
    [InlineData("http://example.0x1f/", "last label is a number")]
    public void Problem_WhenTheUrlCannotBeFetched_ShouldSayWhy(string url, string why)
    {
        var problem = UrlRules.Problem(new Uri(url));

        Assert.NotNull(problem);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://example.com/a.png")]
    [InlineData("HTTPS://Example.COM:8443/a.png?sig=abc#top")] // any port on a public host (ADR 18)
    [InlineData("http://8.8.8.8/x.jpg")]
    [InlineData("http://127.0.0.1:5000/x.jpg")] // the shape is fine; the address is judged after
    [InlineData("http://[2001:4860::8888]/x.jpg")]
    [InlineData("http://bücher.de/bild.png")]
    [InlineData("http://a1.example.com./x")]
    public void Problem_WhenTheUrlIsWellFormed_ShouldBeNone(string url) =>
        Assert.Null(UrlRules.Problem(new Uri(url)));
}
