namespace FapiHub.Calibration;

/// <summary>
/// The default calibration images: a fixed, rule-based subset of the development sets in ../shared/eval, chosen by
/// position in the sorted file list and never by looking at an image (no image is picked or dropped for its score).
/// ECSSD every 8th photo from the first (13 of 100) and alphamatting every 5th from the first (3 of 14): 16 images,
/// mostly the everyday photos the API sees, plus studio shots with hair and fur so the ranges cover soft edges too.
/// </summary>
internal static class CalibrationSet
{
    public static IReadOnlyList<string> Default(string evalDirectory) =>
    [
        .. EveryNth(evalDirectory, "ecssd", 8),
        .. EveryNth(evalDirectory, "alphamatting", 5),
    ];

    private static IEnumerable<string> EveryNth(string evalDirectory, string set, int step)
    {
        var folder = Path.Combine(evalDirectory, set, "images");
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Calibration images not found: '{folder}' (pass --data with the folder holding ecssd/ and alphamatting/).");
        }

        return Directory.EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Where((_, index) => index % step == 0)
            .Select(name => $"{set}/images/{name}");
    }
}
