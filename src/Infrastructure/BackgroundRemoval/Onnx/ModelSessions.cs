using System.Diagnostics;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>A loaded network and the names it is called with.</summary>
internal sealed record LoadedNetwork(string FilePath, InferenceSession Session, string InputName, string OutputName);

/// <summary>
/// Owns one <see cref="InferenceSession"/> per distinct weights file (sessions are thread-safe, and <c>aurora</c>
/// shares <c>falcon</c>'s network, so it costs no extra memory). Sessions load once, in the background at start-up;
/// a request that arrives earlier waits for its model rather than failing.
/// </summary>
internal sealed partial class ModelSessions : IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly OnnxSessionFactory _factory;
    private readonly ILogger<ModelSessions> _logger;
    private readonly bool _warmUp;
    private readonly Dictionary<string, Lazy<Task<LoadedNetwork>>> _byFile = new(StringComparer.Ordinal);
    private volatile bool _ready;
    private volatile Exception? _failure;

    public ModelSessions(ModelCatalog catalog, OnnxSessionFactory factory, IOptions<InferenceOptions> options, ILogger<ModelSessions> logger)
    {
        _catalog = catalog;
        _factory = factory;
        _logger = logger;
        _warmUp = options.Value.WarmUp;
        foreach (var entry in catalog.Entries)
        {
            if (!_byFile.ContainsKey(entry.FilePath))
            {
                _byFile[entry.FilePath] = new Lazy<Task<LoadedNetwork>>(
                    () => Task.Run(() => Load(entry)), LazyThreadSafetyMode.ExecutionAndPublication);
            }
        }
    }

    /// <summary>True once every network is loaded (and warmed up when configured).</summary>
    public bool IsReady => _ready;

    /// <summary>Why loading failed, if it did.</summary>
    public Exception? Failure => _failure;

    public Task<LoadedNetwork> GetAsync(string model) => _byFile[_catalog.Get(model).FilePath].Value;

    /// <summary>Loads (and warms) every network; sets <see cref="IsReady"/> or <see cref="Failure"/>.</summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var lazy in _byFile.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var network = await lazy.Value;
                if (_warmUp)
                {
                    await Task.Run(() => WarmUp(network), cancellationToken);
                }
            }

            _ready = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failure = ex;
            LogLoadFailed(ex);
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _byFile.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Session.Dispose();
            }
        }
    }

    private LoadedNetwork Load(CatalogEntry entry)
    {
        var started = Stopwatch.GetTimestamp();
        var session = _factory.Create(entry.FilePath);
        var inputName = string.IsNullOrWhiteSpace(entry.Definition.InputName)
            ? session.InputMetadata.Keys.First()
            : entry.Definition.InputName;
        if (!session.InputMetadata.ContainsKey(inputName) || !session.OutputMetadata.ContainsKey(entry.Definition.OutputName))
        {
            var inputs = string.Join(", ", session.InputMetadata.Keys);
            var outputs = string.Join(", ", session.OutputMetadata.Keys);
            session.Dispose();
            throw new InvalidOperationException(
                $"Model '{entry.Name}' ({entry.FilePath}): input '{inputName}' or output '{entry.Definition.OutputName}' not in the graph " +
                $"(inputs: {inputs}; outputs: {outputs}). Fix Models:Catalog:{entry.Name}:InputName/OutputName.");
        }

        NativeHeap.Trim();
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogLoaded(entry.FilePath, elapsedMs);
        return new LoadedNetwork(entry.FilePath, session, inputName, entry.Definition.OutputName);
    }

    private void WarmUp(LoadedNetwork network)
    {
        var started = Stopwatch.GetTimestamp();

        // The warm-up is for the first run's one-time work (kernel selection, weight prepacking), not for the arena:
        // hand the activations back when it ends, so an idle server holds only the weights (docs/performance.md). The
        // first request then allocates the arena again, as any run does after an idle spell with ReleaseArenaAfterRun.
        RunAndShrinkArena(network);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogWarmedUp(network.FilePath, elapsedMs);
    }

    /// <summary>
    /// Hands ONNX Runtime's activation arena back to the system. The arena is shared by every session and can only be
    /// shrunk at the end of a run, so the cheapest network (the smallest input) runs once on zeros with shrinkage on.
    /// Call it holding a model slot, so no other run is using the arena. Does nothing before the models are ready.
    /// </summary>
    public void ReleaseArena()
    {
        if (!_ready)
        {
            return;
        }

        var cheapest = _byFile.Values
            .Select(lazy => lazy.Value.Result)
            .MinBy(network => network.Session.InputMetadata[network.InputName].Dimensions.Aggregate(1L, (a, d) => a * Math.Max(d, 1)));
        RunAndShrinkArena(cheapest!);
    }

    private static void RunAndShrinkArena(LoadedNetwork network)
    {
        var dimensions = network.Session.InputMetadata[network.InputName].Dimensions;
        var shape = dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
        var input = new float[shape.Aggregate(1L, (a, b) => a * b)];
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        runOptions.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        using (network.Session.Run(runOptions, [network.InputName], [value], [network.OutputName]))
        {
        }

        NativeHeap.Trim();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {File} in {ElapsedMs:F0} ms")]
    private partial void LogLoaded(string file, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up run of {File} took {ElapsedMs:F0} ms")]
    private partial void LogWarmedUp(string file, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Loading the models failed")]
    private partial void LogLoadFailed(Exception exception);
}
