using System.Security.Claims;
using System.Text.Encodings.Web;
using FapiHub.Api.Errors;
using FapiHub.Application.Abstractions.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using DomainErrors = FapiHub.Domain.Errors.Errors;

namespace FapiHub.Api.Authentication;

/// <summary>
/// Authenticates the <c>ApiKey</c> header (FapiHub's). A missing, unknown or revoked key is challenged with
/// 401 <c>invalid_api_key</c> in the envelope. The key itself is never logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "ApiKey";
    public const string PlanClaim = "fapihub:plan";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (string.IsNullOrWhiteSpace(presented))
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await keys.FindAsync(presented, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("Unknown API key.");
        }

        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, identity.KeyId),
            new(ClaimTypes.Name, identity.Name),
            new(PlanClaim, identity.Plan),
        ];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ErrorResponses.WriteAsync(Context, DomainErrors.Auth.InvalidApiKey);
}
