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

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        AuthenticateAsync(Request.Headers[HeaderName].ToString(), accounts, SchemeName, Context.RequestAborted);

    /// <summary>
    /// The one key check, whichever header carried the key (FapiHub's <c>ApiKey</c>, remove.bg's <c>X-Api-Key</c>):
    /// same keys, same accounts, same claims.
    /// </summary>
    internal static async Task<AuthenticateResult> AuthenticateAsync(string header, IAccountStore accounts, string scheme, CancellationToken cancellationToken)
    {
        var presented = header.Trim();
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
        var account = await accounts.FindByDigestAsync(ApiKeys.Digest(presented), cancellationToken);

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
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ErrorResponses.WriteAsync(Context, DomainErrors.Auth.InvalidApiKey);
}
