using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FapiHub.Api.Errors;
using FapiHub.Domain.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Authentication;

/// <summary>Admin API settings (section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The admin key. Unset: the admin API does not exist (404), which is the default.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>
/// Authenticates the <c>AdminKey</c> header against <c>Admin:ApiKey</c>, comparing SHA-256 digests in constant time.
/// With no admin key configured the admin routes answer 404, as if they did not exist.
/// </summary>
internal sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<AdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "AdminKey";
    public const string HeaderName = "AdminKey";

    private readonly byte[]? _expected = string.IsNullOrWhiteSpace(admin.Value.ApiKey) ? null : Digest(admin.Value.ApiKey.Trim());

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString().Trim();
        if (_expected is null || presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!CryptographicOperations.FixedTimeEquals(Digest(presented), _expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid admin key."));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        _expected is null
            ? ErrorResponses.WriteAsync(Context, DomainErrors.General.NotFound(Request.Path.Value ?? "/"))
            : ErrorResponses.WriteAsync(Context, DomainErrors.Accounts.InvalidAdminKey);

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
