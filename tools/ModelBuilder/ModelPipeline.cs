using System.Diagnostics;
using System.Globalization;
using FapiHub.ModelBuilder.Fetching;
using FapiHub.ModelBuilder.Graphs;
using Onnx;

namespace FapiHub.ModelBuilder;

/// <summary>What a run should do beyond making every manifest file present and intact. <paramref name="Only"/> limits
/// the run to these file names (plus, when one of them must be derived, the files it is derived from);
/// <paramref name="Offline"/> refuses a missing or damaged download instead of fetching it; <paramref name="Touch"/>
/// bumps the files' modified times for MSBuild's up-to-date check.</summary>
internal sealed record PipelineOptions(
    bool VerifyOnly = false, bool PrintPins = false, IReadOnlySet<string>? Only = null, bool Offline = false, bool Touch = true)
{
    /// <summary>A server's start-up: its served files only; no network (a server must not depend on npm to start);
    /// timestamps left alone (bin/ may hold hard links into models/, and MSBuild's check is none of a server's business).</summary>
    public static PipelineOptions Serving(IReadOnlySet<string> files) => new(Only: files, Offline: true, Touch: false);
}

/// <summary>
/// One build of models/: verify every manifest file; if any is missing or wrong, take the lock, fetch the downloads
/// that need it (one npm pack), derive the graphs that need it, and bump every file's modified time so MSBuild's
/// Inputs/Outputs check skips the builder on the next build.
/// </summary>
internal sealed class ModelPipeline(ModelManifest manifest, string directory, Action<string> log)
{
    private static readonly TimeSpan LockMaxWait = TimeSpan.FromMinutes(30);

    public void Run(PipelineOptions options)
    {
        var started = Stopwatch.StartNew();
        var selected = Selected(options.Only);
        if (options.VerifyOnly)
        {
            var problems = Pending(selected).Select(p => $"{Path.Combine(directory, p.File.File)}: {p.Reason}").ToList();
            if (problems.Count > 0)
            {
                throw new ModelBuilderException(ErrorCodes.Verify, problems);
            }

            ReportPins(selected, all: false);
            log($"{selected.Count} model files verified in {Seconds(started)}");
            return;
        }

        var pending = WithDamagedSources(Pending(selected, options.PrintPins), selected);
        if (pending.Count == 0)
        {
            Finish(selected, options);
            log($"{selected.Count} model files verified in {Seconds(started)}");
            return;
        }

        Directory.CreateDirectory(directory);
        using (BuildLock.Acquire(directory, LockMaxWait, log))
        {
            // Again under the lock: a parallel build may have made them while this one waited.
            pending = Pending(pending.Select(p => p.File), options.PrintPins);
            if (pending.Count == 0)
            {
                log("model files were built by another process");
            }
            else
            {
                foreach (var (file, reason) in pending)
                {
                    log($"{file.File}: {reason}");
                }

                RemoveOrphanedTempFiles();
                var downloads = pending.Select(p => p.File).OfType<DownloadedModel>().ToList();
                if (downloads.Count > 0 && options.Offline)
                {
                    throw new ModelBuilderException(ErrorCodes.Mismatch, [.. downloads.Select(RefusedDownload)]);
                }

                if (downloads.Count > 0)
                {
                    new PackageFetcher(log).Fetch(manifest.Package, downloads, directory);
                }

                Derive([.. pending.Select(p => p.File).OfType<DerivedModel>()], options.PrintPins);
            }
        }

        Finish(selected, options);
        log($"done in {Seconds(started)}");
    }

    private void Finish(List<ManifestFile> selected, PipelineOptions options)
    {
        if (options.Touch)
        {
            Touch();
        }

        ReportPins(selected, options.PrintPins);
    }

    /// <summary>The manifest's files, or those of them named in <paramref name="only"/>, in manifest order.</summary>
    private List<ManifestFile> Selected(IReadOnlySet<string>? only) =>
        [.. manifest.Files.Where(f => only is null || only.Contains(f.File))];

    /// <summary>A derived file that must be made again needs an intact source: when the run covers only some files, the
    /// sources of the pending ones (transitively) are checked too, and added if they are wrong themselves.</summary>
    private List<(ManifestFile File, string Reason)> WithDamagedSources(List<(ManifestFile File, string Reason)> pending, List<ManifestFile> selected)
    {
        var sources = new List<ManifestFile>();
        var queue = new Queue<DerivedModel>(pending.Select(p => p.File).OfType<DerivedModel>());
        while (queue.TryDequeue(out var derived))
        {
            var source = manifest.Files.Single(f => f.Name == derived.From);
            if (!selected.Contains(source) && !sources.Contains(source))
            {
                sources.Add(source);
                if (source is DerivedModel further)
                {
                    queue.Enqueue(further);
                }
            }
        }

        return sources.Count == 0 ? pending : [.. pending, .. Pending(sources)];
    }

    /// <summary>Why a download cannot be put right here, with both pins, the actual values and the commands that can.</summary>
    private string RefusedDownload(DownloadedModel model)
    {
        var path = Path.Combine(directory, model.File);
        var actual = File.Exists(path)
            ? string.Create(CultureInfo.InvariantCulture, $"is {new FileInfo(path).Length} bytes with SHA-256 {FileCheck.Sha256(path)}")
            : "is missing";
        var pinned = string.Create(CultureInfo.InvariantCulture, $"{model.Bytes} bytes, SHA-256 {model.Sha256}");
        return $"{path} {actual}, but manifest.json pins {pinned}. It is downloaded, and a server does not fetch: restore it " +
            $"with 'dotnet FapiHub.ModelBuilder.dll build --manifest {Path.Combine(directory, "manifest.json")}' (the build " +
            "tool, tools/ModelBuilder.Cli, with npm; or run 'dotnet build' in the repository), or copy an intact file from another machine";
    }

    /// <summary>The files that are missing or do not match their pins. An unpinned derived file only has to exist,
    /// except with --print-pins, which derives it again to print fresh values.</summary>
    private List<(ManifestFile File, string Reason)> Pending(IEnumerable<ManifestFile> files, bool rederiveUnpinned = false)
    {
        var list = files.ToList();
        var reasons = new string?[list.Count];
        // Two at a time: hashing is the cost, and the box has two cores shared with the rest of the build.
        Parallel.For(0, list.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var file = list[i];
            reasons[i] = rederiveUnpinned && !file.IsPinned && file is DerivedModel
                ? "not pinned yet (--print-pins)"
                : FileCheck.Problem(Path.Combine(directory, file.File), file.Bytes, file.Sha256);
        });
        return [.. list.Select((f, i) => (f, reasons[i])).Where(p => p.Item2 is not null).Select(p => (p.f, p.Item2!))];
    }

    private void Derive(List<DerivedModel> pending, bool printPins)
    {
        if (pending.Count == 0)
        {
            return;
        }

        // Each source is parsed once however many graphs come from it.
        var sources = new Dictionary<string, ModelProto>(StringComparer.Ordinal);
        var pins = new List<string>();
        var errors = new List<string>();
        foreach (var derived in manifest.Derived.Where(pending.Contains))
        {
            var started = Stopwatch.StartNew();
            var recipe = derived.ToRecipe();
            if (!sources.TryGetValue(derived.From, out var source))
            {
                var from = manifest.Files.Single(f => f.Name == derived.From);
                sources[derived.From] = source = GraphRecipes.Load(Path.Combine(directory, from.File));
            }

            var calibration = derived.Calibration is null ? null : Path.Combine(directory, derived.Calibration);
            var target = Path.Combine(directory, derived.File);
            var model = GraphRecipes.Apply(source, recipe, recipe.Precision == Precision.Int8 ? LoadCalibration(calibration, derived) : null);
            var bytes = GraphRecipes.Serialize(model);
            var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            if (derived.IsPinned && (bytes.Length != derived.Bytes || sha256 != derived.Sha256) && !printPins)
            {
                errors.Add($"{derived.File}: derived {bytes.Length} bytes, SHA-256 {sha256}, but manifest.json pins {derived.Bytes} bytes, " +
                    $"SHA-256 {derived.Sha256}. The recipe, the source or the builder changed: if that is intended, re-pin with " +
                    "'dotnet tools/ModelBuilder.Cli/bin/<config>/net10.0/FapiHub.ModelBuilder.dll build --print-pins'");
                continue;
            }

            AtomicFile.Write(target, bytes);
            log($"{derived.File}: derived ({recipe}, {bytes.Length / 1e6:0.0} MB) in {Seconds(started)}");
            if (printPins && derived.IsPinned && sha256 != derived.Sha256)
            {
                pins.Add(Pin(derived.Name, bytes.Length, sha256));
            }
        }

        if (pins.Count > 0)
        {
            log("changed since pinned: re-pin these in models/manifest.json (\"derived\" entries):");
            pins.ForEach(log);
        }

        if (errors.Count > 0)
        {
            throw new ModelBuilderException(ErrorCodes.Mismatch, errors);
        }
    }

    private static Quantization.CalibrationTable LoadCalibration(string? path, DerivedModel derived) =>
        path is not null && File.Exists(path)
            ? Quantization.CalibrationTable.Load(path)
            : throw new ModelBuilderException(ErrorCodes.BadRecipe,
                $"'{derived.Name}': an int8 recipe needs \"calibration\" naming a committed table in models/{(path is null ? "" : $" ({path} does not exist)")}");

    private static string Pin(string name, long bytes, string sha256) =>
        string.Create(CultureInfo.InvariantCulture, $"  {name}: \"bytes\": {bytes}, \"sha256\": \"{sha256}\"");

    /// <summary>Unpinned derived files are accepted as they are; say so on every run so they get pinned. With
    /// --print-pins, every derived file's values, pinned or not, ready to paste into the manifest.</summary>
    private void ReportPins(List<ManifestFile> selected, bool all)
    {
        var lines = new List<string>();
        foreach (var derived in selected.OfType<DerivedModel>().Where(d => all || !d.IsPinned))
        {
            var path = Path.Combine(directory, derived.File);
            if (File.Exists(path))
            {
                if (!derived.IsPinned)
                {
                    log($"{derived.File} is not pinned in manifest.json (accepted unchecked, rebuilt only when missing); pin it with:");
                    log(Pin(derived.Name, new FileInfo(path).Length, FileCheck.Sha256(path)));
                }
                else
                {
                    lines.Add(Pin(derived.Name, new FileInfo(path).Length, FileCheck.Sha256(path)));
                }
            }
        }

        if (lines.Count > 0)
        {
            log("pinned values of the derived files (models/manifest.json \"derived\"):");
            lines.ForEach(log);
        }
    }

    /// <summary>MSBuild skips the builder only when every output is newer than every input; after a checkout that
    /// touches manifest.json the files may still be valid, and without this the builder would run on every build.</summary>
    private void Touch()
    {
        var now = DateTime.UtcNow;
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(directory, file.File);
            if (File.Exists(path))
            {
                File.SetLastWriteTimeUtc(path, now);
            }
        }
    }

    /// <summary>Temp files of a run that was killed outright (no finally ran). Only called under the lock.</summary>
    private void RemoveOrphanedTempFiles()
    {
        var names = manifest.Files.Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            var name = Path.GetFileName(path);
            var parts = name.Split('.');
            // <file>.<pid>.<8 hex>.tmp
            if (parts.Length >= 4 && names.Contains(string.Join('.', parts[..^3])) && parts[^3].All(char.IsAsciiDigit) && parts[^2].Length == 8)
            {
                File.Delete(path);
            }
        }
    }

    private static string Seconds(Stopwatch watch) => string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds:0.0} s");
}
