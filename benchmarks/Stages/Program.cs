using BenchmarkDotNet.Running;
using FapiHub.Benchmarks;

// dotnet run -c Release --project benchmarks/Stages -- [BenchmarkDotNet args, e.g. --filter *]
// dotnet run -c Release --project benchmarks/Stages -- --png-levels [megapixels]
// taskset -c 0 dotnet run -c Release --project benchmarks/Stages -- --refine-times [rounds]
if (args.Length > 0 && args[0] == "--refine-times")
{
    RefinementTimes.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9);
    return;
}

if (args.Length > 0 && args[0] == "--png-levels")
{
    PngLevels.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 12);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(StageBenchmarks).Assembly).Run(args);
