using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// Test-only hooks in a real host's pipeline, so a test picks the exact moment something happens instead of timing it:
/// one stage (reading the header, the model run, rendering) can be held until the test releases it; the test learns the
/// held request's abort token (to know the server has seen its client go) and how the request's charge was settled.
/// The model is an instant fake (a full matte) that, like an ONNX run in its last moments, finishes whatever happens.
/// </summary>
public sealed class PipelineGates
{
    public const string Probe = "probe";
    public const string Model = "model";
    public const string Render = "render";

    private readonly TaskCompletionSource<CancellationToken> _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The stage to hold (<see cref="Probe"/>, <see cref="Model"/>, <see cref="Render"/>), or none.</summary>
    public string? HoldAt { get; set; }

    /// <summary>Completes when a request reaches the held stage, with that request's abort token.</summary>
    public Task<CancellationToken> Entered => _entered.Task;

    /// <summary>Completes with "commit" or "release" when the first request's charge is settled.</summary>
    public Task<string> Settled => _settled.Task;

    public void Release() => _release.TrySetResult();

    /// <summary>Wraps the host's image processor and ledger and replaces its model; call last in the test services.</summary>
    public void Install(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        var processor = services.Last(d => d.ServiceType == typeof(IImageProcessor));
        services.AddSingleton<IImageProcessor>(sp => new GatedProcessor(
            (IImageProcessor)ActivatorUtilities.CreateInstance(sp, processor.ImplementationType!), this, sp.GetRequiredService<IHttpContextAccessor>()));
        services.AddSingleton<IBackgroundRemover>(sp => new GatedRemover(this, sp.GetRequiredService<IHttpContextAccessor>()));
        var ledger = services.Last(d => d.ServiceType == typeof(IUsageLedger));
        services.AddSingleton<IUsageLedger>(sp => new SignallingLedger((IUsageLedger)ledger.ImplementationFactory!(sp), this));
    }

    private void Hold(string stage, IHttpContextAccessor http)
    {
        if (HoldAt == stage && _entered.TrySetResult(http.HttpContext!.RequestAborted))
        {
            _release.Task.Wait(TimeSpan.FromSeconds(30));
        }
    }

    private sealed class GatedProcessor(IImageProcessor inner, PipelineGates gates, IHttpContextAccessor http) : IImageProcessor
    {
        public long MaxPixels => inner.MaxPixels;

        public Result<ImageSize> Probe(ReadOnlyMemory<byte> encoded)
        {
            gates.Hold(PipelineGates.Probe, http);
            return inner.Probe(encoded);
        }

        public Result<RgbaImage> Decode(ReadOnlyMemory<byte> encoded) => inner.Decode(encoded);

        public RenderedImage RenderInPlace(RgbaImage photo, AlphaMask mask, Effect effect, OutputOptions output)
        {
            gates.Hold(PipelineGates.Render, http);
            return inner.RenderInPlace(photo, mask, effect, output);
        }
    }

    private sealed class GatedRemover(PipelineGates gates, IHttpContextAccessor http) : IBackgroundRemover
    {
        public ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken)
        {
            gates.Hold(PipelineGates.Model, http);
            var mask = new AlphaMask(image.Width, image.Height);
            mask.Span.Fill(255);
            return ValueTask.FromResult(Result<Prediction>.Success(new Prediction(mask, TimeSpan.FromMilliseconds(1))));
        }
    }

    private sealed class SignallingLedger(IUsageLedger inner, PipelineGates gates) : IUsageLedger
    {
        public ValueTask<ReservationOutcome> ReserveAsync(string accountId, string period, long? monthlyQuota, CancellationToken cancellationToken) =>
            inner.ReserveAsync(accountId, period, monthlyQuota, cancellationToken);

        public async ValueTask<Settlement> CommitAsync(Reservation reservation, CancellationToken cancellationToken)
        {
            var settlement = await inner.CommitAsync(reservation, cancellationToken);
            gates._settled.TrySetResult("commit");
            return settlement;
        }

        public async ValueTask ReleaseAsync(Reservation reservation, CancellationToken cancellationToken)
        {
            await inner.ReleaseAsync(reservation, cancellationToken);
            gates._settled.TrySetResult("release");
        }

        public ValueTask<UsageSnapshot> GetUsageAsync(string accountId, string period, CancellationToken cancellationToken) =>
            inner.GetUsageAsync(accountId, period, cancellationToken);
    }
}
