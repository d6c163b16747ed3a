using System.Globalization;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>Where an image comes from: an upload, base64 text (already decoded) or a URL to fetch.</summary>
internal abstract record ImageSource(string Field);

internal sealed record UploadedImage(string Field, IFormFile File) : ImageSource(Field);

internal sealed record InlineImage(string Field, ReadOnlyMemory<byte> Bytes) : ImageSource(Field);

internal sealed record RemoteImage(string Field, Uri Url) : ImageSource(Field);

/// <summary>
/// One <c>POST /v1.0/removebg</c> in FapiHub's terms: where the photo (and a background picture) come from, the domain
/// effect and delivery options the parameters mean, and how to answer. Built by <see cref="RemoveBgRequest.Parse"/>.
/// </summary>
/// <param name="Image">Where the photo comes from.</param>
/// <param name="BackgroundPicture">Where the background picture comes from, when one was asked for.</param>
/// <param name="EffectFor">The domain effect, built once the background picture's bytes are known.</param>
/// <param name="Output">The delivery options.</param>
/// <param name="ForegroundType">The <c>X-Type</c> answer; <c>null</c> when <c>type_level=none</c> asks for none.</param>
internal sealed record RemoveBgCall(
    ImageSource Image,
    ImageSource? BackgroundPicture,
    Func<ReadOnlyMemory<byte>, Effect> EffectFor,
    OutputOptions Output,
    string? ForegroundType)
{
    public Effect Effect(ReadOnlyMemory<byte> backgroundPicture = default) => EffectFor(backgroundPicture);
}

/// <summary>
/// remove.bg's parameter vocabulary, read into FapiHub's domain values in one pass: every parameter checked, every
/// error named by remove.bg's code for it (<c>invalid_size</c>, <c>multiple_sources</c>…), all reported at once, and
/// nothing sent on to the pipeline (so nothing charged) unless all are good.
/// </summary>
internal static class RemoveBgRequest
{
    /// <summary>remove.bg's <c>preview</c> (also <c>small</c>, <c>regular</c>): about 0.25 megapixels.</summary>
    public const long PreviewPixels = 250_000;
    public const long MediumPixels = 1_500_000;
    public const long HdPixels = 4_000_000;

    public static readonly string[] Sizes = ["preview", "small", "regular", "medium", "hd", "full", "4k", "50MP", "auto"];
    public static readonly string[] Types = ["auto", "person", "product", "car", "animal", "graphic", "transportation"];
    public static readonly string[] TypeLevels = ["none", "1", "2", "latest"];
    public static readonly string[] Formats = ["auto", "png", "jpg", "webp", "zip"];
    public static readonly string[] Channels = ["rgba", "alpha"];
    public static readonly string[] ShadowMethods = ["latest", "legacy"];

    private static readonly Rgba White = new(255, 255, 255);
    private static readonly string[] SourceFields = ["image_file", "image_file_b64", "image_url"];
    private static readonly string[] BackgroundFields = ["bg_color", "bg_image_url", "bg_image_file"];

    /// <summary>
    /// Reads the parameters; <paramref name="maxImageBytes"/> (<c>Limits:MaxUploadBytes</c>) bounds the photo and the
    /// background picture as files and once decoded from base64, as it bounds an upload on FapiHub's routes: the body
    /// limit of these routes is larger only to leave room for base64.
    /// </summary>
    public static Result<RemoveBgCall> Parse(RemoveBgFields fields, long maxImageBytes, out IReadOnlyList<Error> errors)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var found = new List<Error>();
        errors = found;

        var image = Source(fields, maxImageBytes, found);
        var maxPixels = Size(fields["size"], found);
        var type = OneOf(fields["type"], "type", Types, "auto", found);
        var typeLevel = OneOf(fields["type_level"], "type_level", TypeLevels, "1", found);
        var format = Format(fields["format"], found);
        var alphaOnly = OneOf(fields["channels"], "channels", Channels, "rgba", found) == "alpha";
        var crop = Boolean(fields["crop"], "crop", false, found);
        var margins = CropMargin(fields["crop_margin"], found);
        var scale = Scale(fields["scale"], found);
        var position = Position(fields["position"], found);
        var roi = Roi(fields["roi"], found);
        var semitransparency = Boolean(fields["semitransparency"], "semitransparency", true, found);
        var addShadow = Boolean(fields["add_shadow"], "add_shadow", false, found);
        _ = OneOf(fields["shadow_method"], "shadow_method", ShadowMethods, "latest", found); // one shadow for both
        var (color, picture) = Background(fields, maxImageBytes, found);

        if (alphaOnly && format == OutputFormat.Zip)
        {
            found.Add(RemoveBgErrors.Invalid("format", "Parameter 'format' cannot be zip with channels=alpha: the ZIP holds colour and alpha; ask for png (or jpg, webp) to get the matte alone."));
        }

        if (found.Count > 0)
        {
            return found[0];
        }

        var output = new OutputOptions(format!.Value, OutputOptions.DefaultQuality, crop)
        {
            Margins = margins is null ? null : margins with { PadsPastTheEdge = true },
            Roi = roi,
            Placement = scale is null && position is null ? null : new Placement(scale, position?.X, position?.Y),
            Semitransparency = semitransparency,
            MaxPixels = maxPixels,
            RequireForeground = true,
        };

        // JPEG holds no alpha: remove.bg answers a transparent result asked for as jpg on white (a see-through
        // background picture included).
        var flatten = format == OutputFormat.Jpeg;
        Func<ReadOnlyMemory<byte>, Effect?> background = picture is not null ? bytes => new ImageBackgroundEffect(bytes, flatten ? White : null)
            : color is { } c ? _ => new ColorEffect(flatten ? c.Over(White) : c)
            : flatten ? _ => new ColorEffect(White)
            : _ => null;
        Func<ReadOnlyMemory<byte>, Effect> effect = Shadows(addShadow, type!)
            ? bytes => new ShadowEffect(ShadowEffect.DefaultOffsetX, ShadowEffect.DefaultOffsetY, ShadowEffect.DefaultBlurRadius, ShadowEffect.DefaultColor)
            {
                // The shadow falls on the background, and is part of the alpha the matte and the ZIP carry.
                Background = alphaOnly ? null : background(bytes),
                MatteOnly = alphaOnly,
            }
            : alphaOnly ? _ => new MaskEffect()
            : bytes => background(bytes) ?? new CutoutEffect();
        return new RemoveBgCall(image!, picture, effect, output, ForegroundType(type!, typeLevel!));
    }

    /// <summary>
    /// What <c>X-Type</c> says. FapiHub does not classify subjects, so <c>auto</c> answers <c>other</c> (remove.bg's
    /// class for "none of the above") and a type the client named is echoed, in the coarse classes at level 1.
    /// </summary>
    private static string? ForegroundType(string type, string level) => (type, level) switch
    {
        (_, "none") => null,
        ("auto", _) => "other",
        ("graphic", "1") or ("transportation", "1") => "other",
        ("graphic", _) => "graphics",
        _ => type,
    };

    /// <summary>
    /// Whether <c>add_shadow</c> draws one. remove.bg shadows car photos only and returns any other subject without one;
    /// FapiHub does not classify subjects, so a subject the client called <c>car</c>, or left to <c>auto</c> (it may be a
    /// car), gets the shadow, and one it named as something else (person, product, …) does not, as on remove.bg.
    /// </summary>
    private static bool Shadows(bool addShadow, string type) => addShadow && type is "auto" or "car";

    private static ImageSource? Source(RemoveBgFields fields, long maxImageBytes, List<Error> errors)
    {
        var given = SourceFields.Where(fields.Has).ToArray();
        if (given.Length == 0)
        {
            errors.Add(RemoveBgErrors.NoSource);
            return null;
        }

        if (given.Length > 1)
        {
            errors.Add(RemoveBgErrors.ManySources(given));
            return null;
        }

        return given[0] switch
        {
            "image_file" when fields.File("image_file") is { } file => Upload("image_file", file, maxImageBytes, errors),
            "image_file" => Add(errors, RemoveBgErrors.Invalid("image_file", "Parameter 'image_file' must be a file upload (multipart/form-data), not a text field.")),
            "image_file_b64" => Base64(fields["image_file_b64"]!, maxImageBytes, errors),
            _ => Url(fields["image_url"]!, "image_url", errors),
        };
    }

    private static (Rgba? Color, ImageSource? Picture) Background(RemoveBgFields fields, long maxImageBytes, List<Error> errors)
    {
        var given = BackgroundFields.Where(fields.Has).ToArray();
        if (given.Length > 1)
        {
            errors.Add(RemoveBgErrors.ManyBgSources(given));
            return (null, null);
        }

        if (fields["bg_color"] is { } text)
        {
            if (TryParseColor(text, out var color))
            {
                return (color, null);
            }

            errors.Add(RemoveBgErrors.Invalid("bg_color", $"Parameter 'bg_color' must be a hex colour (81d4fa, fff, 81d4fa77, with or without '#') or a colour name (green); was '{Echo(text)}'."));
            return (null, null);
        }

        if (fields["bg_image_url"] is { } url)
        {
            return (null, Url(url, "bg_image_url", errors));
        }

        if (fields.Has("bg_image_file"))
        {
            if (fields.File("bg_image_file") is { } file)
            {
                return (null, Upload("bg_image_file", file, maxImageBytes, errors));
            }

            errors.Add(RemoveBgErrors.Invalid("bg_image_file", "Parameter 'bg_image_file' must be a file upload (multipart/form-data), not a text field."));
        }

        return (null, null);
    }

    /// <summary>remove.bg's colours: hex of 3, 4, 6 or 8 digits, with or without '#', or a CSS colour name.</summary>
    public static bool TryParseColor(string text, out Rgba color)
    {
        var value = text.Trim();
        var hex = value.StartsWith('#') ? value[1..] : value;
        if (hex.Length is 3 or 4 or 6 or 8 && hex.All(char.IsAsciiHexDigit))
        {
            return Rgba.TryParse("#" + hex, out color);
        }

        return CssColors.TryGet(value, out color);
    }

    private static ImageSource? Upload(string field, IFormFile file, long maxImageBytes, List<Error> errors) =>
        file.Length <= maxImageBytes
            ? new UploadedImage(field, file)
            : Add(errors, RemoveBgErrors.ImageTooLarge(field, file.Length, maxImageBytes));

    private static ImageSource? Base64(string text, long maxImageBytes, List<Error> errors)
    {
        // A data URL ("data:image/png;base64,…") carries the same bytes after its comma.
        var payload = text.AsSpan().Trim();
        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && payload.IndexOf(',') is var comma and >= 0)
        {
            payload = payload[(comma + 1)..];
        }

        var bytes = new byte[(payload.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(payload, bytes, out var written) || written == 0)
        {
            return Add(errors, RemoveBgErrors.BadBase64);
        }

        return written <= maxImageBytes
            ? new InlineImage("image_file_b64", bytes.AsMemory(0, written))
            : Add(errors, RemoveBgErrors.ImageTooLarge("image_file_b64", written, maxImageBytes));
    }

    private static ImageSource? Url(string text, string field, List<Error> errors)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return new RemoteImage(field, url);
        }

        return Add(errors, RemoveBgErrors.Invalid(field, $"Invalid {field}: please provide a valid http or https URL; was '{Echo(text)}'."));
    }

    private static long? Size(string? text, List<Error> errors) =>
        OneOf(text, "size", Sizes, "preview", errors) switch
        {
            "preview" or "small" or "regular" => PreviewPixels,
            "medium" => MediumPixels,
            "hd" => HdPixels,
            _ => null, // full, 4k, 50MP, auto: the original size, which Limits:MaxPixels bounds on the way in
        };

    private static OutputFormat? Format(string? text, List<Error> errors) =>
        OneOf(text, "format", Formats, "auto", errors, aliases: ("jpeg", "jpg")) switch
        {
            "png" => OutputFormat.Png,
            "jpg" => OutputFormat.Jpeg,
            "webp" => OutputFormat.WebP,
            "zip" => OutputFormat.Zip,
            "auto" => OutputFormat.Auto,
            _ => null,
        };

    private static Margins? CropMargin(string? text, List<Error> errors)
    {
        if (text is null)
        {
            return null;
        }

        var parts = Words(text);
        var lengths = new List<Length>();
        foreach (var part in parts)
        {
            if (!Length.TryParse(part, out var length))
            {
                break;
            }

            lengths.Add(length);
        }

        if (lengths.Count != parts.Length || parts.Length is not (1 or 2 or 4))
        {
            errors.Add(RemoveBgErrors.Invalid(
                "crop_margin",
                $"Parameter 'crop_margin' must be one, two or four margins (all; top/bottom and left/right; top, right, bottom, left), each in px (30px) or % of the subject (10%); was '{Echo(text)}'."));
            return null;
        }

        return lengths.Count switch
        {
            1 => Margins.Uniform(lengths[0]),
            2 => new Margins(lengths[0], lengths[1], lengths[0], lengths[1]),
            _ => new Margins(lengths[0], lengths[1], lengths[2], lengths[3]),
        };
    }

    private static double? Scale(string? text, List<Error> errors)
    {
        if (text is null || text.Trim().Equals("original", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (Percent(text) is { } percent && percent >= Placement.MinScale * 100 && percent <= Placement.MaxScale * 100)
        {
            return percent / 100;
        }

        errors.Add(RemoveBgErrors.Invalid("scale", $"Parameter 'scale' must be 'original' or a percentage from 10% to 100%; was '{Echo(text)}'."));
        return null;
    }

    private static (double X, double Y)? Position(string? text, List<Error> errors)
    {
        if (text is null || text.Trim().Equals("original", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (text.Trim().Equals("center", StringComparison.OrdinalIgnoreCase))
        {
            return (0.5, 0.5);
        }

        var parts = Words(text);
        var values = parts.Select(Percent).ToArray();
        if (parts.Length is 1 or 2 && values.All(v => v is >= 0 and <= 100))
        {
            return (values[0]!.Value / 100, values[^1]!.Value / 100);
        }

        errors.Add(RemoveBgErrors.Invalid("position", $"Parameter 'position' must be 'original', 'center', or one or two percentages from 0% to 100% (horizontal, vertical); was '{Echo(text)}'."));
        return null;
    }

    private static Region? Roi(string? text, List<Error> errors)
    {
        if (text is null)
        {
            return null;
        }

        var parts = Words(text);
        var corners = new Length[parts.Length];
        if (parts.Length == 4 && parts.Select((p, i) => Length.TryParse(p, out corners[i])).All(ok => ok))
        {
            return new Region(corners[0], corners[1], corners[2], corners[3]);
        }

        errors.Add(RemoveBgErrors.Invalid("roi", $"Parameter 'roi' must be four coordinates 'x1 y1 x2 y2', each in px (100px) or % of the image (25%); was '{Echo(text)}'."));
        return null;
    }

    private static double? Percent(string text)
    {
        var value = text.Trim();
        return value.EndsWith('%') && double.TryParse(value[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
            ? percent
            : null;
    }

    private static bool Boolean(string? text, string field, bool defaultValue, List<Error> errors)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null:
                return defaultValue;
            case "true" or "1":
                return true;
            case "false" or "0":
                return false;
            default:
                errors.Add(RemoveBgErrors.Invalid(field, $"Parameter '{field}' must be true or false; was '{Echo(text)}'."));
                return defaultValue;
        }
    }

    private static string? OneOf(string? text, string field, string[] allowed, string defaultValue, List<Error> errors, (string Alias, string Value)? aliases = null)
    {
        if (text is null)
        {
            return defaultValue;
        }

        var value = text.Trim();
        if (aliases is { } alias && value.Equals(alias.Alias, StringComparison.OrdinalIgnoreCase))
        {
            return alias.Value;
        }

        if (allowed.FirstOrDefault(a => a.Equals(value, StringComparison.OrdinalIgnoreCase)) is { } match)
        {
            return match;
        }

        errors.Add(RemoveBgErrors.Invalid(field, $"Invalid value for parameter '{field}': must be one of {string.Join(", ", allowed)} (default {defaultValue}); was '{Echo(text)}'."));
        return null;
    }

    private static string[] Words(string text) => text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ImageSource? Add(List<Error> errors, Error error)
    {
        errors.Add(error);
        return null;
    }

    private static string Echo(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
