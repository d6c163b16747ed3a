using System.Globalization;

namespace FapiHub.Domain.Imaging;

/// <summary>
/// A distance along one axis: pixels, or a percentage of a reference length that is only known later (the image's
/// width for a region, the subject's for a margin).
/// </summary>
public readonly record struct Length(double Value, bool IsPercent)
{
    public static Length Pixels(double value) => new(value, false);

    public static Length Percent(double value) => new(value, true);

    /// <summary>The length in pixels against <paramref name="reference"/>, rounded to the nearest pixel.</summary>
    public int Resolve(int reference) =>
        (int)Math.Round(IsPercent ? Value * reference / 100.0 : Value, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Reads <c>30px</c>, <c>12.5%</c> or a bare number (pixels). Only finite, non-negative values: a region and a
    /// margin never point left of or above their origin.
    /// </summary>
    public static bool TryParse(string? text, out Length length)
    {
        length = default;
        var value = text?.Trim() ?? string.Empty;
        var percent = value.EndsWith('%');
        var number = percent ? value[..^1]
            : value.EndsWith("px", StringComparison.OrdinalIgnoreCase) ? value[..^2]
            : value;
        if (number.Length == 0
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            || !double.IsFinite(parsed))
        {
            return false;
        }

        length = new Length(parsed, percent);
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value}{(IsPercent ? "%" : "px")}");
}
