using FapiHub.Api.Http;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace FapiHub.Api.Errors;

/// <summary>
/// Turns anything thrown into the envelope. Expected failures never get here (they are values); what does is either
/// the framework rejecting a malformed request, a client that went away, or a bug, which is logged with the request
/// id and answered as a 500 without internals.
/// </summary>
internal sealed partial class EnvelopeExceptionHandler(ILogger<EnvelopeExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>nginx's "client closed request": logged for the record, never seen by the client.</summary>
    private const int ClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        switch (exception)
        {
            // First: a client that went away hears nothing, whatever else went wrong with its body.
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                httpContext.Response.StatusCode = ClientClosedRequest;
                return true;
            case Exception when UploadLimit.IsExceeded(httpContext, exception):
                // The body grew past the limit, however the failure to read it was wrapped on the way here.
                await ErrorResponses.WriteAsync(httpContext, UploadLimit.Error(httpContext));
                return true;
            case StoreUnavailableException:
                // The one place an unreachable account store becomes an answer: authentication, the rate limiter,
                // the reservation and the account handlers all let it through to here.
                LogStoreUnavailable(exception.Message, httpContext.TraceIdentifier);
                await ErrorResponses.WriteAsync(httpContext, DomainErrors.Accounts.StoreUnavailable);
                return true;
            case BadHttpRequestException bad:
                await ErrorResponses.WriteAsync(
                    httpContext,
                    DomainErrors.Request.Malformed(bad.Message),
                    bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest);
                return true;
            default:
                LogUnhandled(exception, httpContext.TraceIdentifier);
                await ErrorResponses.WriteAsync(httpContext, DomainErrors.General.Internal);
                return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account store unavailable ({Reason}); request {RequestId} answered 503")]
    private partial void LogStoreUnavailable(string reason, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in request {RequestId}")]
    private partial void LogUnhandled(Exception exception, string requestId);
}
