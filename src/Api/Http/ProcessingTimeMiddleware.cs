using System.Diagnostics;
using System.Globalization;

namespace FapiHub.Api.Http;

/// <summary>
/// <c>X-Processing-Ms</c>: server time from the request's arrival to the response's first byte. Next to
/// <c>X-Inference-Ms</c> (the model alone) it lets clients and benchmarks split a request's cost.
/// </summary>
internal sealed class ProcessingTimeMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Processing-Ms";

    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(
            static state =>
            {
                var (response, started) = ((HttpResponse, long))state;
                response.Headers[HeaderName] = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            },
            (context.Response, started));
        return next(context);
    }
}
