using System.Globalization;

namespace FapiHub.Quality;

/// <summary>What the user asked for on the command line.</summary>
/// <param name="DataDirectory">Evaluation set: images/ and masks/.</param>
/// <param name="Models">Catalogue names to evaluate, in the order given.</param>
/// <param name="OutputDirectory">Where predicted masks go (<c>DIR/model/NAME.png</c>); <c>null</c> to write none.</param>
/// <param name="Limit">Evaluate only the first N images (by name).</param>
/// <param name="Settings">Configuration overrides (<c>--Section:Key=value</c>), applied over appsettings.json.</param>
/// <param name="OverColor">With <paramref name="OutputDirectory"/>: also write each cut-out composited over this colour.</param>
/// <param name="Reference">Catalogue name every model is also compared with, matte against matte (the fidelity report).</param>
/// <param name="SavedMasks">Read every model's mattes from <c>DIR/model/NAME.png</c> (an earlier run's <c>--out DIR</c>) instead of running it: re-scoring only.</param>
/// <param name="ReferenceMasks">With <paramref name="Reference"/>: read its mattes from this folder (an earlier run's <c>--out DIR/model</c>) instead of running it.</param>
internal sealed record QualityOptions(
    string DataDirectory,
    IReadOnlyList<string> Models,
    string? OutputDirectory,
    int? Limit,
    IReadOnlyDictionary<string, string?> Settings,
    string? OverColor = null,
    string? Reference = null,
    string? ReferenceMasks = null,
    string? SavedMasks = null);

/// <summary>Thrown for a command line that cannot be understood; the message is shown with the usage text.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parses <c>--data DIR --models a,b [--reference r] [--out DIR [--over COLOR]] [--limit N] [--Section:Key=value …]</c>.</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/Quality -- --data DIR --models falcon,aurora,ghost [--reference MODEL] [--out DIR [--over COLOR]] [--limit N] [--Section:Key=value ...]

          --data DIR        evaluation set with images/NAME.ext and masks/NAME.png
          --models LIST     comma-separated catalogue names (see Models:Catalog in src/Api/appsettings.json)
          --reference MODEL also compare every model's matte with this catalogue model's on the same photo (mean |Δ|,
                            matte noise, share crossing 0.5, paired differences); ground truth optional. An fp32 entry:
                            --Models:Catalog:fp32:File=isnet-fp32-1024.onnx (768: also --Models:Catalog:fp32:InputSize=768)
          --reference-masks DIR
                            with --reference: read the reference's mattes from DIR/NAME.png (an earlier run's --out DIR/MODEL)
                            instead of running it again
          --saved-masks DIR read every model's mattes from DIR/MODEL/NAME.png (an earlier run's --out DIR) instead of
                            running it: scores what was saved, photos without a saved matte are skipped
          --out DIR         also write the predicted masks as DIR/<model>/NAME.png and per-image scores as DIR/<model>.csv
          --over COLOR      with --out: also write each cut-out over a solid colour (as POST /v2/rembg/color/ with
                            bgcolor=COLOR, e.g. "#00FF00") as DIR/<model>-over/NAME.png; an extra, untimed, unscored run
          --limit N         only the first N images, by name
          --Section:Key=V   any configuration override, e.g. --Inference:IntraOpThreads=2 or --Models:Directory=/srv/models
        """;

    public static QualityOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? data = null, models = null, output = null, over = null, reference = null, referenceMasks = null, savedMasks = null;
        int? limit = null;
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            // Both "--key value" and "--key=value" are accepted.
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? arg[2..] : arg[2..equals];
            var value = equals >= 0 ? arg[(equals + 1)..]
                : i + 1 < args.Count ? args[++i]
                : throw new UsageException($"'{arg}' needs a value.");

            switch (key.ToUpperInvariant())
            {
                case "DATA":
                    data = value;
                    break;
                case "MODELS":
                    models = value;
                    break;
                case "OUT":
                    output = value;
                    break;
                case "REFERENCE":
                    reference = value;
                    break;
                case "SAVED-MASKS":
                    savedMasks = value;
                    break;
                case "REFERENCE-MASKS":
                    referenceMasks = value;
                    break;
                case "OVER":
                    over = value;
                    break;
                case "LIMIT":
                    limit = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw new UsageException($"--limit needs a positive whole number, not '{value}'.");
                    break;
                case var _ when key.Contains(':', StringComparison.Ordinal):
                    settings[key] = value;
                    break;
                default:
                    throw new UsageException($"Unknown option '--{key}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(data))
        {
            throw new UsageException("--data is required.");
        }

        var names = (models ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (names.Length == 0)
        {
            throw new UsageException("--models is required: a comma-separated list such as falcon,aurora,ghost.");
        }

        if (over is not null && output is null)
        {
            throw new UsageException("--over needs --out: the composites are written next to the masks.");
        }

        if (referenceMasks is not null && reference is null)
        {
            throw new UsageException("--reference-masks needs --reference: it names the model whose mattes they are.");
        }

        return new QualityOptions(data, names, output, limit, settings, over, reference, referenceMasks, savedMasks);
    }
}
