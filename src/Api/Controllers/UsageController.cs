using System.Security.Claims;
using FapiHub.Api.Authentication;
using FapiHub.Api.Errors;
using FapiHub.Application.Accounts.GetUsage;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Controllers;

/// <summary>FapiHub's usage call: what the caller's key has used this month. Free, and not rate-limited.</summary>
[Route("v2/usage")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[Tags("Account")]
public sealed class UsageController(ISender sender) : ApiControllerBase
{
    /// <summary>Usage of this API key.</summary>
    /// <remarks>Monthly windows are UTC calendar months; <c>monthly_quota</c> and <c>remaining</c> are null on pay-per-use keys.</remarks>
    [HttpGet]
    [ProducesResponseType<UsageReport>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized, "application/json")]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable, "application/json")]
    public async Task<IActionResult> GetUsage(CancellationToken cancellationToken) =>
        Reply(await sender.Send(new GetUsageQuery(User.FindFirstValue(ClaimTypes.NameIdentifier)!), cancellationToken));
}
