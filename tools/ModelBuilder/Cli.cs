using System.Globalization;
using FapiHub.ModelBuilder.Graphs;

namespace FapiHub.ModelBuilder;

/// <summary>
/// The command line. <c>build</c> is what models/Models.targets runs; <c>derive</c> and <c>inspect</c> are for people.
/// Errors go to stderr as "model-builder : error FHM00x: ...", MSBuild's canonical format, so Exec reports them as
/// build errors.
/// </summary>
internal static class Cli
{
    private const string Origin = "model-builder";

    private const string Usage = """
        usage:
          FapiHub.ModelBuilder build [--manifest <models/manifest.json>] [--dir <folder>] [--verify-only] [--print-pins]
              fetch and derive whatever is missing or wrong (default: the manifest's folder)
              --verify-only  check only: exit 1 if a file is missing or bad; no network
              --print-pins   derive every unpinned entry again and print its bytes and SHA-256 to pin
          FapiHub.ModelBuilder derive <source.onnx> <fp16|fp32|int8> <resolution> <output.onnx> [--calibration <table.json>] [--output <name>]
          FapiHub.ModelBuilder inspect <model.onnx>
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            switch (args)
            {
                case ["build", .. var rest]:
                    Build(rest, stdout);
                    return 0;
                case ["derive", var source, var precision, var resolution, var output, .. var rest]:
                    Derive(source, precision, resolution, output, rest, stdout);
                    return 0;
                case ["inspect", var path]:
                    stdout.Write(GraphInspector.Describe(GraphRecipes.Load(path)));
                    return 0;
                case ["--help" or "-h" or "help"]:
                    stdout.WriteLine(Usage);
                    return 0;
                default:
                    throw new ModelBuilderException(ErrorCodes.General, $"unknown arguments '{string.Join(' ', args)}'\n{Usage}");
            }
        }
        catch (ModelBuilderException e)
        {
            foreach (var message in e.Messages)
            {
                stderr.WriteLine($"{Origin} : error {e.Code}: {message}");
            }

            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or Google.Protobuf.InvalidProtocolBufferException)
        {
            stderr.WriteLine($"{Origin} : error {ErrorCodes.General}: {e.Message}");
            return 1;
        }
    }

    private static void Build(string[] args, TextWriter stdout)
    {
        string? manifestPath = null;
        string? dir = null;
        var options = new PipelineOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--manifest" when i + 1 < args.Length:
                    manifestPath = args[++i];
                    break;
                case "--dir" when i + 1 < args.Length:
                    dir = args[++i];
                    break;
                case "--verify-only":
                    options = options with { VerifyOnly = true };
                    break;
                case "--print-pins":
                    options = options with { PrintPins = true };
                    break;
                default:
                    throw new ModelBuilderException(ErrorCodes.General, $"unknown argument '{args[i]}'\n{Usage}");
            }
        }

        manifestPath = Path.GetFullPath(manifestPath ?? Path.Combine("models", "manifest.json"));
        var manifest = ModelManifest.Load(manifestPath);
        dir = Path.GetFullPath(dir ?? Path.GetDirectoryName(manifestPath)!);
        new ModelPipeline(manifest, dir, message => stdout.WriteLine($"{Origin}: {message}")).Run(options);
    }

    private static void Derive(string source, string precision, string resolution, string output, string[] rest, TextWriter stdout)
    {
        string? calibration = null;
        var outputName = "output";
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--calibration" when i + 1 < rest.Length:
                    calibration = rest[++i];
                    break;
                case "--output" when i + 1 < rest.Length:
                    outputName = rest[++i];
                    break;
                default:
                    throw new ModelBuilderException(ErrorCodes.General, $"unknown argument '{rest[i]}'\n{Usage}");
            }
        }

        if (!int.TryParse(resolution, NumberStyles.None, CultureInfo.InvariantCulture, out var side))
        {
            throw new ModelBuilderException(ErrorCodes.BadRecipe, $"resolution must be a positive integer, not '{resolution}'");
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var recipe = new Recipe(Path.GetFileNameWithoutExtension(source), Recipe.ParsePrecision(precision), side, outputName);
        var file = GraphRecipes.Derive(source, recipe, calibration, output);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Origin}: {file.Path}: {recipe}, {file.Bytes} bytes, SHA-256 {file.Sha256}, in {watch.Elapsed.TotalSeconds:0.0} s"));
    }
}
