using System.Diagnostics;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>
/// The <see cref="IBackgroundRemover"/> port on ONNX Runtime: resize to the model's square input, normalise into a
/// pooled NCHW tensor, run the graph asking for the matte output only, then bring the matte back to the photo's size
/// (bilinear, or edge-aware for models configured with a refinement).
/// </summary>
internal sealed class OnnxBackgroundRemover(
    ModelCatalog catalog,
    ModelSessions sessions,
    IInferenceSlots slots,
    FapiHubMetrics metrics,
    IOptions<InferenceOptions> options)
    : IBackgroundRemover
{
    private readonly bool _releaseArena = options.Value.ReleaseArenaAfterRun;

    public async ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var entry = catalog.Get(model);
        var definition = entry.Definition;
        var network = await sessions.GetAsync(model).WaitAsync(cancellationToken);
        var side = definition.EffectiveInputSize;
        var pixels = side * side;

        using var matte = new PooledBuffer<float>(pixels);
        var modelTime = await InferAsync(image, model, definition, network, matte, cancellationToken);
        return Postprocess(image, definition, matte.Span, side, modelTime);
    }

    /// <summary>
    /// Runs every view of the photo and leaves their averaged matte (model resolution) in <paramref name="matte"/>.
    /// The input tensors and the other views' mattes are released here, before the refinement needs its own buffers.
    /// </summary>
    private async Task<TimeSpan> InferAsync(
        RgbaImage image, string model, ModelDefinition definition, LoadedNetwork network, PooledBuffer<float> matte, CancellationToken cancellationToken)
    {
        var side = definition.EffectiveInputSize;
        var pixels = side * side;
        using var tensor = new PooledBuffer<float>(3 * pixels);
        using var mirrored = definition.FlipAverage ? new PooledBuffer<float>(pixels) : null;
        using var extra = definition.AlsoAverage is { Length: > 0 } other
            ? await ExtraView.CreateAsync(catalog.Get(other).Definition, sessions.GetAsync(other), cancellationToken)
            : null;

        Preprocess(image, definition, side, tensor.Span);

        // Only the model runs hold a slot: decoding, pre- and post-processing of other requests overlap with them.
        // A request with several views keeps its slot for all its runs: it costs the CPU that many times, and the
        // queue sees that.
        TimeSpan modelTime;
        using (await slots.AcquireSlotAsync(cancellationToken))
        {
            var started = Stopwatch.GetTimestamp();
            Run(network, tensor.Memory, side, matte.Span, _releaseArena, cancellationToken);
            if (mirrored is not null)
            {
                TensorLayout.MirrorRows(tensor.Span, side);
                Run(network, tensor.Memory, side, mirrored.Span, _releaseArena, cancellationToken);
            }

            if (extra is not null)
            {
                Preprocess(image, extra.Definition, extra.Side, extra.Tensor.Span);
                Run(extra.Network, extra.Tensor.Memory, extra.Side, extra.Matte.Span, _releaseArena, cancellationToken);
            }

            modelTime = Stopwatch.GetElapsedTime(started);
        }

        slots.RecordRun(modelTime);
        metrics.Inference(model, modelTime);
        TensorLayout.Activate(matte.Span, definition.Activation);
        if (mirrored is not null)
        {
            TensorLayout.Activate(mirrored.Span, definition.Activation);
            TensorLayout.AverageWithMirrored(matte.Span, mirrored.Span, side);
        }

        if (extra is not null)
        {
            // The other network's matte on this grid, then weighted as one view among all of them.
            TensorLayout.Activate(extra.Matte.Span, extra.Definition.Activation);
            using var resampled = new PooledBuffer<float>(pixels);
            MaskResampler.Resize(extra.Matte.Span, extra.Side, extra.Side, resampled.Span, side, side);
            TensorLayout.BlendIn(matte.Span, resampled.Span, 1f / (mirrored is null ? 2 : 3));
        }

        return modelTime;
    }

    /// <summary>A second network's view of the photo (<see cref="ModelDefinition.AlsoAverage"/>), owning its pooled buffers.</summary>
    private sealed record ExtraView(LoadedNetwork Network, ModelDefinition Definition, int Side) : IDisposable
    {
        public PooledBuffer<float> Tensor { get; } = new(3 * Side * Side);

        public PooledBuffer<float> Matte { get; } = new(Side * Side);

        public static async Task<ExtraView> CreateAsync(ModelDefinition definition, Task<LoadedNetwork> network, CancellationToken cancellationToken) =>
            new(await network.WaitAsync(cancellationToken), definition, definition.EffectiveInputSize);

        public void Dispose()
        {
            Tensor.Dispose();
            Matte.Dispose();
        }
    }

    private static void Preprocess(RgbaImage image, ModelDefinition definition, int side, Span<float> tensor)
    {
        using var resized = new PooledBuffer<byte>(side * side * 4);
        SkiaResampler.Resize(image, resized.Span, side, side);
        TensorLayout.FillNchw(resized.Span, side * side, definition.MeanOrDefault, definition.StdOrDefault, tensor);
    }

    private static void Run(LoadedNetwork network, Memory<float> tensor, int side, Span<float> matte, bool releaseArena, CancellationToken cancellationToken)
    {
        using var runOptions = new RunOptions();
        if (releaseArena)
        {
            runOptions.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        }

        // A client that hangs up mid-inference stops the run instead of burning two seconds of CPU for nobody.
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tensor, [1, 3, side, side]);
        try
        {
            using var outputs = network.Session.Run(runOptions, [network.InputName], [input], [network.OutputName]);
            var values = outputs[0].GetTensorDataAsSpan<float>();
            if (values.Length != matte.Length)
            {
                throw new InvalidOperationException(
                    $"Output '{network.OutputName}' has {values.Length} values; a {side}x{side} matte was expected. Check the catalogue's OutputName.");
            }

            values.CopyTo(matte);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>
    /// The matte at the photo's size (bilinear, or edge-aware, guided by the photo, for a refined model) and, for a model
    /// configured for it, the decontamination step: a new mask and step the caller owns; the photo is only read.
    /// </summary>
    private static Prediction Postprocess(RgbaImage image, ModelDefinition definition, ReadOnlySpan<float> matte, int side, TimeSpan modelTime)
    {
        var mask = new AlphaMask(image.Width, image.Height);
        WorkingGrid? grid = null;
        try
        {
            if (definition.Refinement is MaskRefinement.GuidedFilter or MaskRefinement.ColorGuidedFilter)
            {
                var settings = new EdgeAwareSettings(
                    definition.Refinement == MaskRefinement.ColorGuidedFilter,
                    definition.GuidedFilterRadius,
                    definition.GuidedFilterEpsilon,
                    definition.ConfidenceSnap,
                    definition.GuidedFilterSubsample);
                grid = WorkingGrid.Create(image, settings.ColorGuide, settings.Subsample);
                EdgeAwareUpsampler.Apply(grid, image, matte, side, side, settings, mask);
            }
            else
            {
                MaskResampler.ResizeToBytes(matte, side, side, mask.Span, image.Width, image.Height);
            }

            // The decontamination takes the colour refinement's grid over (its photo planes are the ones it needs), so
            // the photo is resized to the grid once per request; any other grid ends with the refinement.
            if (definition.DecontaminateColors && grid is { Planes: 3 })
            {
                return new Prediction(mask, modelTime, new ForegroundEstimator(grid));
            }

            grid?.Dispose();
            return new Prediction(mask, modelTime, definition.DecontaminateColors ? new ForegroundEstimator(subsample: definition.GuidedFilterSubsample) : null);
        }
        catch
        {
            grid?.Dispose();
            mask.Dispose();
            throw;
        }
    }
}
