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

// dotnet run -c Release --project benchmarks/Stages -- --decontam-delta DATA MASKS [subsamples, e.g. 2,3] [scale]
if (args.Length > 2 && args[0] == "--decontam-delta")
{
    var subsamples = (args.Length > 3 ? args[3] : "2").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    DecontaminationDelta.Run(args[1], args[2], subsamples, args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return;
}

// dotnet run -c Release --project benchmarks/Stages -- --decontam-truth DATA BACKGROUNDS [subsamples, e.g. 1,2] [scale]
if (args.Length > 2 && args[0] == "--decontam-truth")
{
    var subsamples = (args.Length > 3 ? args[3] : "1,2").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    DecontaminationDelta.Truth(args[1], args[2], subsamples, args.Length > 4 ? double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return;
}

if (args.Length > 0 && args[0] == "--png-levels")
{
    PngLevels.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 12);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(StageBenchmarks).Assembly).Run(args);
