using System.Globalization;

namespace FapiHub.Domain.Imaging;

/// <summary>An 8-bit colour with straight alpha.</summary>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>The forms a client may write, as messages and the API documentation name them.</summary>
    public const string Forms = "'255, 140, 0', '255,140,0,128', '(255, 255, 255, 255)', '#FF8C00' or '#FF8C0080'";

    public bool IsOpaque => A == 255;

    /// <summary>This colour laid over an opaque <paramref name="under"/>: opaque (for formats without alpha).</summary>
    public Rgba Over(Rgba under)
    {
        static byte Mix(byte c, byte u, byte a) => (byte)(((c * a) + (u * (255 - a)) + 127) / 255);
        return IsOpaque ? this : new Rgba(Mix(R, under.R, A), Mix(G, under.G, A), Mix(B, under.B, A));
    }

    /// <summary>
    /// Parses every colour form FapiHub clients send: <c>(255, 255, 255, 255)</c>, <c>255, 140, 0</c>,
    /// <c>255,140,0,128</c>, <c>#FF8C00</c>, <c>#FF8C0080</c>, plus the CSS short forms <c>#F80</c> and <c>#F808</c>.
    /// Alpha defaults to 255. Components are integers 0–255.
    /// </summary>
    public static bool TryParse(string? text, out Rgba color)
    {
        color = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        return value[0] == '#' ? TryParseHex(value.AsSpan(1), out color) : TryParseList(value, out color);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({R}, {G}, {B}, {A})");

    private static bool TryParseHex(ReadOnlySpan<char> hex, out Rgba color)
    {
        color = default;
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        static byte Pair(ReadOnlySpan<char> digits) => byte.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        static byte Single(char digit) => (byte)(byte.Parse([digit], NumberStyles.HexNumber, CultureInfo.InvariantCulture) * 17);

        switch (hex.Length)
        {
            case 3:
            case 4:
                color = new Rgba(Single(hex[0]), Single(hex[1]), Single(hex[2]), hex.Length == 4 ? Single(hex[3]) : (byte)255);
                return true;
            case 6:
            case 8:
                color = new Rgba(Pair(hex[..2]), Pair(hex[2..4]), Pair(hex[4..6]), hex.Length == 8 ? Pair(hex[6..8]) : (byte)255);
                return true;
            default:
                return false;
        }
    }

    private static bool TryParseList(string value, out Rgba color)
    {
        color = default;
        if (value.StartsWith('(') != value.EndsWith(')'))
        {
            return false;
        }

        // One pair of parentheses at most: Trim('(', ')') took any number, so "((1,2,3))" passed.
        var list = value.StartsWith('(') ? value[1..^1] : value;
        var parts = list.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is not (3 or 4))
        {
            return false;
        }

        var components = new byte[4];
        components[3] = 255;
        for (var i = 0; i < parts.Length; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out components[i]))
            {
                return false;
            }
        }

        color = new Rgba(components[0], components[1], components[2], components[3]);
        return true;
    }
}
