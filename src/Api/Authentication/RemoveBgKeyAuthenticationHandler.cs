using System.Text.Encodings.Web;
using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Abstractions.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Authentication;

/// <summary>
/// remove.bg's key header, <c>X-Api-Key</c>, carrying the same FapiHub keys as <c>ApiKey</c>. A missing, malformed,
/// unknown or revoked key is answered as remove.bg answers it: 403 <c>auth_failed</c>.
/// </summary>
internal sealed class RemoveBgKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IAccountStore accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "XApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        ApiKeyAuthenticationHandler.AuthenticateAsync(Request.Headers[HeaderName].ToString(), accounts, SchemeName, Context.RequestAborted);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        RemoveBgErrorResponses.WriteAsync(Context, new Domain.Common.Error(
            RemoveBgErrors.AuthFailed,
            Request.Headers[HeaderName].ToString().Trim().Length == 0
                ? "Missing API key: send it in the 'X-Api-Key' header."
                : "Invalid API key: the key in 'X-Api-Key' is unknown or revoked.",
            Domain.Common.ErrorType.Unauthorized));
}
