using System.Buffers;
using System.Diagnostics;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// The <see cref="IBackgroundRemover"/> port on ONNX Runtime: resize to the model's square input, normalise into a
/// pooled NCHW tensor, run the graph asking for the matte output only, then bring the matte back to the photo's size
/// (bilinear, or edge-aware for models configured with a refinement).
/// </summary>
internal sealed class OnnxBackgroundRemover(
    ModelCatalog catalog,
    ModelSessions sessions,
    InferenceScheduler scheduler,
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

        var tensor = ArrayPool<float>.Shared.Rent(3 * pixels);
        var matte = ArrayPool<float>.Shared.Rent(pixels);
        var mirrored = definition.FlipAverage ? ArrayPool<float>.Shared.Rent(pixels) : null;
        ExtraView? extra = null;
        if (definition.AlsoAverage is { Length: > 0 } other)
        {
            var otherDefinition = catalog.Get(other).Definition;
            var otherSide = otherDefinition.EffectiveInputSize;
            extra = new ExtraView(
                await sessions.GetAsync(other).WaitAsync(cancellationToken),
                otherDefinition,
                otherSide,
                ArrayPool<float>.Shared.Rent(3 * otherSide * otherSide),
                ArrayPool<float>.Shared.Rent(otherSide * otherSide));
        }

        try
        {
            Preprocess(image, definition, side, tensor.AsSpan(0, 3 * pixels));

            // Only the model runs hold a slot: decoding, pre- and post-processing of other requests overlap with them.
            // A flip-averaged request keeps its slot for both runs: it costs the CPU twice, and the queue sees that.
            TimeSpan modelTime;
            using (await scheduler.AcquireSlotAsync(cancellationToken))
            {
                var started = Stopwatch.GetTimestamp();
                Run(network, tensor.AsMemory(0, 3 * pixels), side, matte.AsSpan(0, pixels), _releaseArena, cancellationToken);
                if (mirrored is not null)
                {
                    TensorLayout.MirrorRows(tensor.AsSpan(0, 3 * pixels), side);
                    Run(network, tensor.AsMemory(0, 3 * pixels), side, mirrored.AsSpan(0, pixels), _releaseArena, cancellationToken);
                }

                if (extra is not null)
                {
                    var extraPixels = extra.Side * extra.Side;
                    Preprocess(image, extra.Definition, extra.Side, extra.Tensor.AsSpan(0, 3 * extraPixels));
                    Run(extra.Network, extra.Tensor.AsMemory(0, 3 * extraPixels), extra.Side, extra.Matte.AsSpan(0, extraPixels), _releaseArena, cancellationToken);
                }

                modelTime = Stopwatch.GetElapsedTime(started);
            }

            scheduler.RecordRun(modelTime);
            metrics.Inference(model, modelTime);
            TensorLayout.Activate(matte.AsSpan(0, pixels), definition.Activation);
            var views = 1;
            if (mirrored is not null)
            {
                TensorLayout.Activate(mirrored.AsSpan(0, pixels), definition.Activation);
                TensorLayout.MirrorRows(mirrored.AsSpan(0, pixels), side);
                System.Numerics.Tensors.TensorPrimitives.Add(matte.AsSpan(0, pixels), mirrored.AsSpan(0, pixels), matte.AsSpan(0, pixels));
                views++;
            }

            if (extra is not null)
            {
                var extraPixels = extra.Side * extra.Side;
                TensorLayout.Activate(extra.Matte.AsSpan(0, extraPixels), extra.Definition.Activation);
                var resampled = ArrayPool<float>.Shared.Rent(pixels);
                TensorLayout.ResizeSquare(extra.Matte.AsSpan(0, extraPixels), extra.Side, resampled.AsSpan(0, pixels), side);
                System.Numerics.Tensors.TensorPrimitives.Add(matte.AsSpan(0, pixels), resampled.AsSpan(0, pixels), matte.AsSpan(0, pixels));
                ArrayPool<float>.Shared.Return(resampled);
                views++;
            }

            if (views > 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(matte.AsSpan(0, pixels), 1f / views, matte.AsSpan(0, pixels));
            }

            return new Prediction(Postprocess(image, definition, matte.AsSpan(0, pixels), side), modelTime, definition.DecontaminateColors);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tensor);
            ArrayPool<float>.Shared.Return(matte);
            if (mirrored is not null)
            {
                ArrayPool<float>.Shared.Return(mirrored);
            }

            if (extra is not null)
            {
                ArrayPool<float>.Shared.Return(extra.Tensor);
                ArrayPool<float>.Shared.Return(extra.Matte);
            }
        }
    }

    /// <summary>A second network's view of the photo (<see cref="ModelDefinition.AlsoAverage"/>) and its pooled buffers.</summary>
    private sealed record ExtraView(LoadedNetwork Network, ModelDefinition Definition, int Side, float[] Tensor, float[] Matte);

    private static void Preprocess(RgbaImage image, ModelDefinition definition, int side, Span<float> tensor)
    {
        var resized = ArrayPool<byte>.Shared.Rent(side * side * 4);
        try
        {
            SkiaResampler.Resize(image, resized, side, side);
            TensorLayout.FillNchw(resized.AsSpan(0, side * side * 4), side * side, definition.MeanOrDefault, definition.StdOrDefault, tensor);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(resized);
        }
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
    /// The matte at the photo's size: bilinear, or edge-aware (guided by the photo) for a refined model. A new mask
    /// the caller owns; the photo is only read (decontamination is the handler's own step, see <see cref="Prediction"/>).
    /// </summary>
    private static AlphaMask Postprocess(RgbaImage image, ModelDefinition definition, ReadOnlySpan<float> matte, int side)
    {
        var mask = new AlphaMask(image.Width, image.Height);
        try
        {
            if (definition.Refinement is MaskRefinement.GuidedFilter or MaskRefinement.ColorGuidedFilter)
            {
                var settings = new EdgeAwareSettings(
                    definition.Refinement == MaskRefinement.ColorGuidedFilter,
                    definition.GuidedFilterRadius,
                    definition.GuidedFilterEpsilon,
                    definition.ConfidenceSnap);
                EdgeAwareUpsampler.Apply(image, matte, side, side, settings, mask);
            }
            else
            {
                MaskResampler.ResizeToBytes(matte, side, side, mask.Span, image.Width, image.Height);
            }

            return mask;
        }
        catch
        {
            mask.Dispose();
            throw;
        }
    }
}
