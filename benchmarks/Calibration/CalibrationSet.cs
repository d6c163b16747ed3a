namespace FapiHub.Calibration;

/// <summary>
/// The default calibration images: a fixed, rule-based subset of the development set ../shared/eval/ecssd, chosen by
/// position in the sorted file list and never by looking at an image (no image is picked or dropped for its score):
/// every 4th photo from the first, 25 of 100. Only ECSSD, so that ecssd-wide and alphamatting, the sets the tiers are
/// scored on, hold no calibration image (issue 20; ADR 11, amendment 3). The same 25 are the tuning set of the
/// quantiser's sensitivity sweep.
/// </summary>
internal static class CalibrationSet
{
    /// <summary>Every <c>Step</c>-th photo of ecssd, from the first.</summary>
    public const int Step = 4;

    public static IReadOnlyList<string> Default(string evalDirectory) => [.. EveryNth(evalDirectory, "ecssd", Step)];

    private static IEnumerable<string> EveryNth(string evalDirectory, string set, int step)
    {
        var folder = Path.Combine(evalDirectory, set, "images");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Calibration images not found: '{folder}' (pass --data with the folder holding ecssd/).");
        }

        return Directory.EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Where((_, index) => index % step == 0)
            .Select(name => $"{set}/images/{name}");
    }
}
