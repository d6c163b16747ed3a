namespace FapiHub.Api.Http;

/// <summary>
/// <c>X-Content-Type-Options: nosniff</c> on every answer, so a browser never second-guesses our content types (an
/// uploaded "image" rendered as HTML, say). Added when the response starts, so error answers carry it too.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(
            static state =>
            {
                ((HttpResponse)state).Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            },
            context.Response);
        return next(context);
    }
}
