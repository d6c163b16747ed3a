using Microsoft.Extensions.Logging;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// A logger provider a test waits on instead of sleeping: <see cref="WhenLogged"/> completes once a line containing the
/// text has been written the given number of times (background services say what they did; the test waits for it).
/// </summary>
public sealed class LogSignals : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Text, int Times, TaskCompletionSource Signal)> _waiters = [];

    public void Install(ILoggingBuilder logging) => logging.AddProvider(this);

    public Task WhenLogged(string text, int times = 1)
    {
        lock (_gate)
        {
            if (Count(text) >= times)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, times, signal));
            return signal.Task;
        }
    }

    /// <summary>How many lines containing the text have been written so far (to wait for the next one: that many + 1).</summary>
    public int Times(string text)
    {
        lock (_gate)
        {
            return Count(text);
        }
    }

    /// <summary>The last <paramref name="count"/> lines written, oldest first: what a failing test shows of the app's side.</summary>
    public string Recent(int count)
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private int Count(string text) => _lines.Count(line => line.Contains(text, StringComparison.Ordinal));

    private void Write(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => Count(w.Text) >= w.Times).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }

    private sealed class Logger(LogSignals signals) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                signals.Write(formatter(state, exception));
            }
        }
    }
}
