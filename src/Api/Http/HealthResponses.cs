using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FapiHub.Api.Http;

/// <summary>Health answers as small JSON: overall status and each check's status and description, never exception details.</summary>
internal static class HealthResponses
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }
}
