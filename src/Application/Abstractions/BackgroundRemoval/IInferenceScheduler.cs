using FapiHub.Domain.Common;

namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>A request's place in the inference system; dispose it when the request is done with its images.</summary>
public interface IInferenceAdmission : IDisposable
{
    /// <summary>
    /// Waits until the request may hold its decoded photo of <paramref name="pixels"/> pixels: only a few requests at a
    /// time, within a pixel budget, decode, run and encode, while the others wait holding just their compressed upload.
    /// Honours cancellation, so a client that hung up while waiting is dropped before it costs anything.
    /// </summary>
    ValueTask WaitForTurnAsync(long pixels, CancellationToken cancellationToken);
}

/// <summary>
/// Admission to the model: a bounded number of requests may be inside (working or waiting); the next one is refused
/// at once with 503 <c>server_busy</c>, before its image is even decoded.
/// </summary>
public interface IInferenceScheduler
{
    /// <summary>
    /// Admits the request, or fails with <c>server_busy</c> (and a <c>retry_after</c> estimated from the queue and recent
    /// run times).
    /// </summary>
    Result<IInferenceAdmission> TryAdmit();

    /// <summary>
    /// The refusal <see cref="TryAdmit"/> would give right now, or <c>null</c> when there is room: a cheap, advisory look
    /// the HTTP edge takes before reading the upload, so a full server answers in milliseconds.
    /// </summary>
    Error? RefusalIfFull();
}
