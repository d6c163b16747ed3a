namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// The admin key's rule on its own (in-process, apart from <see cref="StartupSettingsTests"/>, which start the built app):
/// a short or spaced key is refused at start-up, and the refusal never echoes the key.
/// </summary>
public sealed class AdminKeySettingTests
{
    [Theory]
    [InlineData("local-development-admin-key", true)] // the Development key stays valid
    [InlineData("admin-key-for-tests-only", true)]
    [InlineData("", true)] // the admin API is off
    [InlineData("0123456789abcdef", true)]
    [InlineData("0123456789abcde", false)]
    [InlineData("x", false)]
    [InlineData("has a space in it ok", false)]
    public void Validate_WhenTheAdminKeyIsShortOrHasSpaces_ShouldRefuseItWithoutEchoingIt(string key, bool accepted)
    {
        var result = new FapiHub.Api.Authentication.AdminOptionsValidator().Validate(null, new FapiHub.Api.Authentication.AdminOptions { ApiKey = key });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.StartsWith("Admin:ApiKey must be 16 to 1024 characters", result.FailureMessage, StringComparison.Ordinal);
            Assert.DoesNotContain($"'{key}'", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
