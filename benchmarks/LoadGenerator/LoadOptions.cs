using System.Globalization;

namespace FapiHub.LoadGenerator;

internal sealed record LoadOptions(
    string Url,
    string Key,
    string Image,
    string Path,
    int Concurrency,
    int Requests,
    string? RawModel,
    string? ReferenceModel,
    int RawRuns,
    int IntraOpThreads,
    int? ServerPid,
    IReadOnlyList<(string Name, string Value)> Fields,
    int UploadKilobytesPerSecond,
    int Rounds,
    int RestSeconds)
{
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var fields = new List<(string, string)>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--field")
            {
                var pair = args[i + 1].Split('=', 2);
                fields.Add((pair[0], pair.Length > 1 ? pair[1] : string.Empty));
            }
            else
            {
                values[args[i].TrimStart('-')] = args[i + 1];
            }
        }

        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        return new LoadOptions(
            Required("url"),
            Required("key"),
            Required("image"),
            values.GetValueOrDefault("path", "/v2/rembg/"),
            Int("concurrency", 1),
            Int("requests", 20),
            values.GetValueOrDefault("raw-model"),
            values.GetValueOrDefault("reference-model"),
            Int("raw-runs", 10),
            Int("intra-op", 0),
            values.TryGetValue("pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            fields,
            Int("upload-kbps", 0),
            Int("rounds", 1),
            Int("rest-seconds", 60));
    }
}
