using System.Security.Claims;
using FapiHub.Api.Authentication;
using FapiHub.Application.Abstractions.Accounts;

namespace FapiHub.Api.Http;

/// <summary>The Application's view of the authenticated caller, read from the current request.</summary>
internal sealed class HttpCallerContext(IHttpContextAccessor accessor) : ICallerContext
{
    public string? AccountId =>
        accessor.HttpContext?.User.Identity?.IsAuthenticated == true
            ? accessor.HttpContext.User.FindFirstValue(ClaimTypes.NameIdentifier)
            : null;

    public string? Plan =>
        accessor.HttpContext?.User.Identity?.IsAuthenticated == true
            ? accessor.HttpContext.User.FindFirstValue(ApiKeyAuthenticationHandler.PlanClaim)
            : null;
}
