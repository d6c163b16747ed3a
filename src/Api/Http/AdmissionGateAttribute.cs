using FapiHub.Api.Errors;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FapiHub.Api.Http;

/// <summary>
/// Admits the request before a byte of its upload is read, and holds its place until the answer is written: at most
/// <c>Inference:MaxConcurrency + Inference:MaxQueue</c> uploads are being read, waiting or processed at once, so a
/// flood of uploads holds at most that many bodies in memory whatever their speed. The next one answers 503
/// <c>server_busy</c> in milliseconds with its body unread, and the connection is closed rather than drained. Runs
/// before the per-minute limit and the credit check: a request the server could not take neither uses up the caller's
/// rate nor holds a credit.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class AdmissionGateAttribute : TypeFilterAttribute
{
    public AdmissionGateAttribute()
        : base(typeof(AdmissionGateFilter))
    {
        Order = -1;
    }

    private sealed class AdmissionGateFilter(IInferenceScheduler scheduler) : IAsyncResourceFilter
    {
        public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
        {
            var admission = scheduler.TryAdmit();
            if (!admission.IsSuccess)
            {
                // Reading the rest of a refused upload to keep the connection alive would cost what the refusal saves.
                context.HttpContext.Response.Headers.Connection = "close";
                context.Result = ErrorResponses.ToActionResult(admission.Error!);
                return;
            }

            // The resource filter wraps binding (the upload is read there), the action and the writing of the answer.
            using (admission.Value)
            {
                await next();
            }
        }
    }
}
