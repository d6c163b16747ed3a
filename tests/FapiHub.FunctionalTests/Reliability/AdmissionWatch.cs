using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Domain.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// The host's real scheduler, watched: how many requests it has admitted and not yet let go, and a wait for that count
/// driven by the admissions themselves. This host's own signal (the <c>/metrics</c> gauge is process-wide, so it mixes
/// in the other test hosts running at the same time).
/// </summary>
internal sealed class AdmissionWatch
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inside;

    /// <summary>Wraps the application's own <see cref="IInferenceScheduler"/> registration; pass it as a host's services hook.</summary>
    public void Install(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IInferenceScheduler));
        services.Remove(real);
        services.AddSingleton<IInferenceScheduler>(sp => new Watched((IInferenceScheduler)real.ImplementationFactory!(sp), this));
    }

    public async Task WaitUntilInsideAsync(int count)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_inside == count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(limit.Token);
        }
    }

    private void Add(int delta)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _inside += delta;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private sealed class Watched(IInferenceScheduler inner, AdmissionWatch watch) : IInferenceScheduler
    {
        public int TimeoutSeconds => inner.TimeoutSeconds;

        public Result<IDisposable> TryAdmit()
        {
            var admission = inner.TryAdmit();
            if (!admission.IsSuccess)
            {
                return admission;
            }

            watch.Add(1);
            return Result<IDisposable>.Success(new Leaving(admission.Value, watch));
        }

        public ValueTask<IDisposable> WaitForTurnAsync(long pixels, CancellationToken cancellationToken) =>
            inner.WaitForTurnAsync(pixels, cancellationToken);
    }

    private sealed class Leaving(IDisposable admission, AdmissionWatch watch) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                admission.Dispose();
                watch.Add(-1);
            }
        }
    }
}
