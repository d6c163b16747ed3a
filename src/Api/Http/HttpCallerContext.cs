using System.Security.Claims;
using FapiHub.Api.Authentication;
using FapiHub.Application.Abstractions.Accounts;

namespace FapiHub.Api.Http;

/// <summary>The Application's view of the authenticated caller, read from the current request.</summary>
internal sealed class HttpCallerContext(IHttpContextAccessor accessor) : ICallerContext
{
    public string? AccountId => Claim(ClaimTypes.NameIdentifier);

    public string? Plan => Claim(ApiKeyAuthenticationHandler.PlanClaim);

    private string? Claim(string type) =>
        accessor.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user.FindFirstValue(type) : null;
}
