using FapiHub.Domain.Common;

namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>
/// Admission to the model. The whole story, one scheduler behind both ports (all models share the CPU):
/// <list type="number">
/// <item>Admit (the protocol's edge, before a byte of the upload is read): <see cref="TryAdmit"/>; at most
/// <c>Inference:MaxConcurrency + Inference:MaxQueue</c> requests are inside, counted from the first byte of their
/// upload until their answer is written, so a flood of uploads holds at most that many bodies in memory. The next
/// one answers 503 <c>server_busy</c> at once, its body unread.</item>
/// <item>Turn (the handler, once the header gave the size): <see cref="WaitForTurnAsync"/>; only
/// <c>MaxConcurrency + 1</c> requests (the running ones and the next, so decoding overlaps inference), within
/// <c>Inference:MaxDecodedPixels</c>, hold decoded images.</item>
/// <item>Model slot (the remover, around its model runs only): <see cref="IInferenceSlots"/>; <c>MaxConcurrency</c>
/// runs at once, so decoding, pre- and post-processing of other requests overlap them.</item>
/// </list>
/// From waiting for its turn until its matte is ready, a request has <see cref="TimeoutSeconds"/>; beyond, 503 <c>timeout</c>.
/// </summary>
public interface IInferenceScheduler
{
    /// <summary><c>Inference:TimeoutSeconds</c>: how long an admitted request may wait for its turn and its matte.</summary>
    int TimeoutSeconds { get; }

    /// <summary>
    /// Admits a request, or fails with <c>server_busy</c> (and a <c>retry_after</c> estimated from the queue and recent
    /// run times). Dispose the admission once the request's answer is written.
    /// </summary>
    Result<IDisposable> TryAdmit();

    /// <summary>
    /// Waits until the request may hold its decoded photo of <paramref name="pixels"/> pixels: only a few requests at a
    /// time, within a pixel budget, decode, run and encode, while the others wait holding just their compressed upload.
    /// Honours cancellation, so a client that hung up while waiting is dropped before it costs anything. Dispose the
    /// turn when the request is done with its images.
    /// </summary>
    ValueTask<IDisposable> WaitForTurnAsync(long pixels, CancellationToken cancellationToken);
}

/// <summary>The model slots of <see cref="IInferenceScheduler"/>, which the remover holds around its model runs.</summary>
public interface IInferenceSlots
{
    /// <summary>Waits for a model slot, honouring cancellation; dispose the result when the runs are over.</summary>
    ValueTask<IDisposable> AcquireSlotAsync(CancellationToken cancellationToken);

    /// <summary>Feeds the <c>retry_after</c> estimate with how long a request's model runs took.</summary>
    void RecordRun(TimeSpan elapsed);
}
