using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Application.Common.Behaviors;

/// <summary>Thresholds for <see cref="PerformanceBehavior{TMessage, TResponse}"/>.</summary>
public sealed class PerformanceOptions
{
    public const string SectionName = "Performance";

    /// <summary>
    /// A handler slower than this is logged as a warning. The default is several times one image's inference
    /// (docs/performance.md), so it only fires on real trouble (contention, swapping, a huge image).
    /// </summary>
    public int SlowCommandThresholdMs { get; set; } = 10_000;
}

/// <summary>Innermost behavior: times the handler alone (after validation and charging) and warns when it is slow.</summary>
internal sealed partial class PerformanceBehavior<TMessage, TResponse>(
    ILogger<PerformanceBehavior<TMessage, TResponse>> logger,
    IOptions<PerformanceOptions> options)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private readonly int _thresholdMs = options.Value.SlowCommandThresholdMs;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await next(message, cancellationToken);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (elapsedMs > _thresholdMs)
        {
            LogSlow(typeof(TMessage).Name, elapsedMs, _thresholdMs);
        }

        return response;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command} took {ElapsedMs:F0} ms (threshold {ThresholdMs} ms)")]
    private partial void LogSlow(string command, double elapsedMs, int thresholdMs);
}
