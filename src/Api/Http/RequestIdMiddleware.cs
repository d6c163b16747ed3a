using System.Security.Cryptography;

namespace FapiHub.Api.Http;

/// <summary>
/// Gives every request an id (<c>req_</c> + 24 random base62 characters) as <see cref="HttpContext.TraceIdentifier"/>,
/// which the error envelope and every log line of the request carry, and returns it in <c>X-Request-Id</c>. The header is added when the
/// response starts, so it survives the exception handler clearing a half-built response.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public async Task InvokeAsync(HttpContext context)
    {
        var id = NewId();
        context.TraceIdentifier = id;
        context.Response.OnStarting(
            static state =>
            {
                var (response, requestId) = ((HttpResponse, string))state;
                response.Headers[HeaderName] = requestId;
                return Task.CompletedTask;
            },
            (context.Response, id));

        // Every log line written while handling the request carries its id (as the "request_id" scope value).
        using (logger.BeginScope(new Dictionary<string, object> { ["request_id"] = id }))
        {
            await next(context);
        }
    }

    public static string NewId() => "req_" + RandomNumberGenerator.GetString(Alphabet, 24);
}
