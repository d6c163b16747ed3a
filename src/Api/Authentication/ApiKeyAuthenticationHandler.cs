using System.Security.Claims;
using System.Text.Encodings.Web;
using FapiHub.Api.Errors;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Authentication;

/// <summary>
/// Authenticates the <c>ApiKey</c> header (FapiHub's). The key is looked up by its SHA-256 digest only; a missing,
/// malformed, unknown or revoked key is challenged with 401 <c>invalid_api_key</c>, an unreachable account store
/// with 503. The key itself is never logged.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IAccountStore accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "ApiKey";
    public const string PlanClaim = "fapihub:plan";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString().Trim();
        if (presented.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        // A malformed key cannot exist; answering without a store round trip also keeps junk off Redis.
        if (!ApiKeys.IsWellFormed(presented))
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        // A store that cannot answer throws StoreUnavailableException: the exception handler answers 503 (we cannot
        // tell a valid key from an invalid one, so neither 401 nor unmetered service would be right).
        var account = await accounts.FindByDigestAsync(ApiKeys.Digest(presented), Context.RequestAborted);

        if (account is null || account.Revoked)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, account.Id),
            new(ClaimTypes.Name, account.Name),
            new(PlanClaim, account.Plan),
        ];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ErrorResponses.WriteAsync(Context, DomainErrors.Auth.InvalidApiKey);
}
