using System.Globalization;
using FapiHub.ModelBuilder.Quantization;

namespace FapiHub.Calibration;

/// <summary>`--name value` and `--flag` arguments; a name may repeat (<c>--graph</c>).</summary>
internal sealed class Options
{
    private readonly List<(string Name, string? Value)> _items = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{list[i]}'.");
            }

            var name = list[i][2..];
            var value = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : null;
            options._items.Add((name, value));
        }

        return options;
    }

    public string? Get(string name) => _items.LastOrDefault(i => i.Name == name).Value;

    public IEnumerable<string> All(string name) => _items.Where(i => i.Name == name && i.Value is not null).Select(i => i.Value!);

    public bool Flag(string name) => _items.Any(i => i.Name == name);

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The range choices a calibration run can write, by name.</summary>
internal static class RangeMethod
{
    public static string Validate(string method) =>
        method is "minmax" or "mse" || (method.StartsWith("percentile-", StringComparison.Ordinal) && Percentile(method) is > 50 and <= 100)
            ? method
            : throw new ArgumentException($"Unknown range method '{method}' (minmax, percentile-P, mse).");

    public static (double Min, double Max) Apply(string method, ActivationHistogram histogram) => method switch
    {
        "minmax" => (histogram.Min, histogram.Max),
        "mse" => histogram.MseRange(),
        _ => histogram.PercentileRange(Percentile(method)),
    };

    private static double Percentile(string method) =>
        double.TryParse(method["percentile-".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : double.NaN;
}
