using FapiHub.Infrastructure.Authentication;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class ConfigurationApiKeyStoreTests
{
    private const string Key = "fh_live_AbcdefghijklmnopqrstuvwxyzABCDEF";

    private readonly ConfigurationApiKeyStore _store = new(Options.Create(new ApiKeyOptions
    {
        Bootstrap = [new BootstrapApiKey { Key = Key, Plan = "pro", Name = "tests" }, new BootstrapApiKey { Key = "" }],
    }));

    [Fact]
    public async Task FindAsync_WhenKeyIsKnown_ShouldReturnItsIdentityWithoutTheSecret()
    {
        var identity = await _store.FindAsync(Key, CancellationToken.None);

        Assert.NotNull(identity);
        Assert.Equal(("tests", "pro"), (identity.Name, identity.Plan));
        Assert.StartsWith("key_", identity.KeyId, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[8..20], identity.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fh_live_wrong")]
    [InlineData("fh_live_abcdefghijklmnopqrstuvwxyzABCDEF")] // case matters
    public async Task FindAsync_WhenKeyIsUnknownOrEmpty_ShouldReturnNull(string presented) =>
        Assert.Null(await _store.FindAsync(presented, CancellationToken.None));
}
