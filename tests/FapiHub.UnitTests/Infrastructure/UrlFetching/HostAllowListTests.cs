using FapiHub.Infrastructure.Imaging.UrlFetching;

namespace FapiHub.UnitTests.Infrastructure.UrlFetching;

/// <summary><c>ImageUrl:AllowedHosts</c>: which URLs an entry matches, and which entries stop start-up.</summary>
public sealed class HostAllowListTests
{
    [Theory]
    [InlineData("LocalHost.", "http://localhost:4321/a.png", true)]
    [InlineData("localhost", "http://LOCALHOST./a.png", true)]
    [InlineData("images.internal", "https://images.internal/a.png", true)]
    [InlineData("images.internal", "https://cdn.images.internal/a.png", false)]
    [InlineData("*.corp.example", "http://a.corp.example/x", true)]
    [InlineData("*.corp.example", "http://a.b.corp.example/x", true)]
    [InlineData("*.corp.example", "http://corp.example/x", false)]
    [InlineData("*.corp.example", "http://evilcorp.example/x", false)]
    [InlineData("127.0.0.1", "http://127.0.0.1:99/x", true)]
    [InlineData("127.0.0.1", "http://localhost:99/x", false)] // a name is matched as written, never by what it resolves to
    [InlineData("[::1]", "http://[::1]:99/x", true)]
    [InlineData("::1", "http://[0:0::1]/x", true)]
    [InlineData("xn--bcher-kva.de", "http://bücher.de/x", true)]
    public void Contains_WhenGivenAUrl_ShouldMatchItsHostAsWritten(string entry, string url, bool expected) =>
        Assert.Equal(expected, new HostAllowList([entry]).Contains(new Uri(url)));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("http://images.internal", "no scheme")]
    [InlineData("images.internal/path", "no scheme")]
    [InlineData("user@images.internal", "no scheme")]
    [InlineData("images.internal:8080", "no port")]
    [InlineData("2130706433", "four decimal numbers")]
    [InlineData("0177.0.0.1", "four decimal numbers")]
    [InlineData("*.example", "two labels or more")]
    [InlineData("*", "not a valid host name")]
    [InlineData("bücher.de", "punycode")]
    [InlineData("under_score..example", "not a valid host name")]
    [InlineData("images.123", "never a number")]
    public void Problem_WhenTheEntryIsUnusable_ShouldSayWhy(string entry, string why)
    {
        var problem = HostAllowList.Problem(entry);

        Assert.NotNull(problem);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Contains_WhenAnEntryIsUnusable_ShouldNeverWidenTheList()
    {
        var list = new HostAllowList(["2130706433", "*", "localhost:80"]);

        Assert.True(list.IsEmpty);
        Assert.False(list.Contains(new Uri("http://127.0.0.1/")));
        Assert.False(list.Contains(new Uri("http://localhost/")));
    }
}
