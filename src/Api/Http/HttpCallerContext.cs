using System.Globalization;
using System.Security.Claims;
using FapiHub.Api.Authentication;
using FapiHub.Application.Abstractions.Accounts;

namespace FapiHub.Api.Http;

/// <summary>
/// The Application's view of the authenticated caller, read from the current request. A charge receipt is turned
/// into the <c>X-Credits-Charged</c> and <c>X-Quota-Remaining</c>/<c>X-Credits-Remaining</c> headers of the response.
/// </summary>
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

    public void RecordCharge(ChargeReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var response = accessor.HttpContext?.Response;
        if (response is null || response.HasStarted)
        {
            return;
        }

        response.Headers["X-Credits-Charged"] = receipt.Charged.ToString(CultureInfo.InvariantCulture);
        if (receipt.QuotaRemaining is { } quota)
        {
            response.Headers["X-Quota-Remaining"] = quota.ToString(CultureInfo.InvariantCulture);
        }

        if (receipt.CreditsRemaining is { } credits)
        {
            response.Headers["X-Credits-Remaining"] = credits.ToString(CultureInfo.InvariantCulture);
        }
    }
}
