using System.Diagnostics;
using FapiHub.Domain.Common;
using Mediator;
using Microsoft.Extensions.Logging;

namespace FapiHub.Application.Common.Behaviors;

/// <summary>
/// Outermost behavior: one line per command with its outcome. Exceptions are not logged here; they travel to the
/// HTTP edge, which logs them once with the request id.
/// </summary>
internal sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IResult
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await next(message, cancellationToken);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.IsSuccess)
        {
            LogSucceeded(typeof(TMessage).Name, elapsedMs);
        }
        else
        {
            LogFailed(typeof(TMessage).Name, response.Error!.Code, elapsedMs);
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Command} succeeded in {ElapsedMs:F0} ms")]
    private partial void LogSucceeded(string command, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Command} failed with {ErrorCode} in {ElapsedMs:F0} ms")]
    private partial void LogFailed(string command, string errorCode, double elapsedMs);
}
