using System.Globalization;
using System.Security.Claims;
using FapiHub.Api.Authentication;
using FapiHub.Api.Errors;
using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Http;

/// <summary>
/// The per-minute token bucket of the caller's plan, taken at the edge: after authentication, before the body is
/// read or bound, so a caller over the limit costs us a header parse. Every answer carries X-RateLimit-*.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class PerMinuteRateLimitAttribute() : TypeFilterAttribute(typeof(PerMinuteRateLimitFilter))
{
    private sealed class PerMinuteRateLimitFilter(
        IRateLimiter limiter,
        PlanCatalog plans,
        IOptions<RateLimitingOptions> options,
        FapiHubMetrics metrics,
        TimeProvider clock) : IAsyncResourceFilter
    {
        public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
        {
            var http = context.HttpContext;
            var accountId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
            if (accountId is null)
            {
                // Authorization runs first, so this is a wiring bug: refuse rather than serve unlimited.
                throw new InvalidOperationException("Rate-limited endpoint reached without an authenticated caller.");
            }

            var resolved = plans.ForKey(http.User.FindFirstValue(ApiKeyAuthenticationHandler.PlanClaim));
            if (!resolved.IsSuccess)
            {
                context.Result = ErrorResponses.ToActionResult(resolved.Error!);
                return;
            }

            var plan = resolved.Value;
            // A store that cannot answer throws StoreUnavailableException: the exception handler answers 503.
            var decision = await limiter.AcquireAsync(accountId, plan.PerMinute, options.Value.Window, http.RequestAborted);

            var headers = http.Response.Headers;
            headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            // FapiHub says how many seconds until the bucket is full; remove.bg's clients read a Unix time.
            var reset = RemoveBgProtocol.Speaks(http)
                ? clock.GetUtcNow().AddSeconds(decision.ResetSeconds).ToUnixTimeSeconds()
                : decision.ResetSeconds;
            headers["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
            if (!decision.Allowed)
            {
                metrics.RateLimited("per_minute");
                context.Result = ErrorResponses.ToActionResult(DomainErrors.Accounts.RateLimited(plan.PerMinute, decision.RetryAfterSeconds));
                return;
            }

            await next();
        }
    }
}
