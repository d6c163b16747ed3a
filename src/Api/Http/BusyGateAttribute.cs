using FapiHub.Api.Errors;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FapiHub.Api.Http;

/// <summary>
/// Answers 503 <c>server_busy</c> before the upload is read when every inference slot and queue place is taken, so a
/// flood of requests costs a header parse each instead of an upload, a form parse and a charge hold. Runs before the
/// per-minute limit: a request the server could not take does not use up the caller's rate. The handler's own
/// admission stays the authoritative check (this look is advisory and may race).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class BusyGateAttribute : TypeFilterAttribute
{
    public BusyGateAttribute()
        : base(typeof(BusyGateFilter))
    {
        Order = -1;
    }

    private sealed class BusyGateFilter(IInferenceScheduler scheduler) : IAsyncResourceFilter
    {
        public Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
        {
            if (scheduler.RefusalIfFull() is { } refusal)
            {
                context.Result = ErrorResponses.ToActionResult(refusal);
                return Task.CompletedTask;
            }

            return next();
        }
    }
}
