using FapiHub.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using DomainErrors = FapiHub.Domain.Errors.Errors;

namespace FapiHub.Api.Http;

/// <summary>
/// Rejects an oversized upload from its Content-Length before a byte of the body is read (no time or memory spent on
/// it), and caps bodies of unknown length at the same size as they stream in.
/// </summary>
internal sealed class UploadLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> options)
{
    private readonly LimitsOptions _limits = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var limit = _limits.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return ErrorResponses.WriteAsync(context, DomainErrors.Request.FileTooLarge(_limits.MaxUploadBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
