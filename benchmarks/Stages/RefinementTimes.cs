using System.Diagnostics;
using System.Globalization;

namespace FapiHub.Benchmarks;

/// <summary>
/// A quick stopwatch run of <see cref="RefinementBenchmarks"/>' stages (two warm-ups, then the median of
/// <c>rounds</c>), for machines too busy for a full BenchmarkDotNet run; pin it to one core with <c>taskset -c 0</c>.
/// Beside the wall clock it reports the process's CPU time per stage, which other processes on a shared machine
/// barely move (the stages are single-threaded).
/// </summary>
internal static class RefinementTimes
{
    public static void Run(int rounds)
    {
        var benchmarks = new RefinementBenchmarks();
        benchmarks.Setup();
        (string Name, Action Stage)[] stages =
        [
            ("guide grid, colour (resize + planes)", benchmarks.ColourGrid),
            ("coefficients, colour guided filter (r=3, 1024x768)", benchmarks.ColourCoefficients),
            ("coefficients, grey guided filter (r=3, 1024x768)", benchmarks.GreyCoefficients),
            ("ghost refinement, colour", benchmarks.GhostColour),
            ("ghost refinement, grey", benchmarks.GhostGreyRefinement),
            ("aurora refinement, colour", benchmarks.AuroraColour),
            ("decontamination (grid + estimate, + 4 MB copy)", benchmarks.Decontamination),
            ("guide grid, colour, s=2 (area average + planes, 512x384)", benchmarks.ColourGridSubsampled),
            ("ghost refinement, colour, s=2", benchmarks.GhostColourSubsampled),
            ("ghost refinement, grey, s=2", benchmarks.GhostGreySubsampled),
            ("aurora refinement, colour, s=2", benchmarks.AuroraColourSubsampled),
            ("decontamination, s=2 (grid + estimate, + 4 MB copy)", benchmarks.DecontaminationSubsampled),
            ("falcon refinement, grey (1024² matte, r = 5, ε = 1e-3)", benchmarks.FalconGreyRefinement),
            ("ghost refinement as shipped, grey (672² matte, r = 5, ε = 3e-4)", benchmarks.GhostShippedRefinement),
            ("aurora refinement, grey, + decontamination at s=2 (own grid; tried, not shipped)", benchmarks.AuroraGreyAndDecontamination),
        ];
        const double Megapixels = 1200 * 900 / 1e6;
        Console.WriteLine("| stage (1200x900 photo) | wall ms (median) | CPU ms (median) | CPU ms per MP |");
        Console.WriteLine("|---|---:|---:|---:|");
        using var process = Process.GetCurrentProcess();
        foreach (var (name, stage) in stages)
        {
            var times = new double[rounds];
            var cpu = new double[rounds];
            stage();
            stage();
            for (var i = 0; i < rounds; i++)
            {
                process.Refresh();
                var cpuStarted = process.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                stage();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                process.Refresh();
                cpu[i] = (process.TotalProcessorTime - cpuStarted).TotalMilliseconds;
            }

            Array.Sort(times);
            Array.Sort(cpu);
            var median = cpu[rounds / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {times[rounds / 2]:F1} | {median:F1} | {median / Megapixels:F1} |"));
        }

        benchmarks.Cleanup();
    }
}
