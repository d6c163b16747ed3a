using FapiHub.Api.Authentication;
using FapiHub.Api.Contracts;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application.Accounts;
using FapiHub.Application.Accounts.AddCredits;
using FapiHub.Application.Accounts.ChangePlan;
using FapiHub.Application.Accounts.CreateApiKey;
using FapiHub.Application.Accounts.ListApiKeys;
using FapiHub.Application.Accounts.RevokeApiKey;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Controllers;

/// <summary>
/// Key administration, behind the <c>AdminKey</c> header. Exists only when <c>Admin:ApiKey</c> is configured
/// (otherwise every route here is a 404).
/// </summary>
[Route("v2/admin/keys")]
[Authorize(AuthenticationSchemes = AdminKeyAuthenticationHandler.SchemeName)]
[Tags("Admin")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable, "application/json")]
public sealed class AdminKeysController(ISender sender) : ApiControllerBase
{
    /// <summary>Where the admin API lives; every route under it takes JSON.</summary>
    public const string BasePath = "/v2/admin";

    /// <summary>Issue an API key.</summary>
    /// <remarks>The plaintext <c>key</c> is in this response only; the server keeps just its SHA-256 digest.</remarks>
    [HttpPost]
    [Consumes("application/json")]
    [ContentTypeRequired]
    [ProducesResponseType<CreatedApiKey>(StatusCodes.Status201Created, "application/json")]
    public async Task<IActionResult> CreateApiKey([FromBody] CreateKeyRequest request, CancellationToken cancellationToken)
    {
        var result = await sender.Send(new CreateApiKeyCommand(request.Name, request.Plan, request.Credits), cancellationToken);
        return result.IsSuccess ? StatusCode(StatusCodes.Status201Created, result.Value) : Failure(result.Error!);
    }

    /// <summary>List API keys (no secrets).</summary>
    /// <remarks>Every key this server knows, revoked ones included, with its plan and balance; keys themselves are stored only as digests.</remarks>
    [HttpGet]
    [ProducesResponseType<IReadOnlyList<ApiKeySummary>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> ListApiKeys(CancellationToken cancellationToken) =>
        Reply(await sender.Send(new ListApiKeysQuery(), cancellationToken));

    /// <summary>Add credits to a key (or remove them, with a negative amount).</summary>
    /// <remarks>
    /// A removal never takes the balance below the credits held by the key's requests in flight, so the balance can
    /// never become negative: a larger removal is clamped, and <c>applied</c> says what was done (<c>requested</c> is
    /// what was asked, <c>held</c> the credits in flight).
    /// </remarks>
    [HttpPost("{id}/credits")]
    [Consumes("application/json")]
    [ContentTypeRequired]
    [ProducesResponseType<CreditAdjustmentSummary>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> AddCredits(string id, [FromBody] AddCreditsRequest request, CancellationToken cancellationToken) =>
        Reply(await sender.Send(new AddCreditsCommand(id, request.Amount), cancellationToken));

    /// <summary>Change a key's plan.</summary>
    /// <remarks>The key's usage so far this month and its credit balance are kept.</remarks>
    [HttpPatch("{id}")]
    [Consumes("application/json")]
    [ContentTypeRequired]
    [ProducesResponseType<ApiKeySummary>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> ChangePlan(string id, [FromBody] ChangePlanRequest request, CancellationToken cancellationToken) =>
        Reply(await sender.Send(new ChangePlanCommand(id, request.Plan), cancellationToken));

    /// <summary>Revoke a key.</summary>
    /// <remarks>Its next request answers 401. Revocation is permanent.</remarks>
    [HttpDelete("{id}")]
    [ProducesResponseType<ApiKeySummary>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> RevokeApiKey(string id, CancellationToken cancellationToken) =>
        Reply(await sender.Send(new RevokeApiKeyCommand(id), cancellationToken));
}
