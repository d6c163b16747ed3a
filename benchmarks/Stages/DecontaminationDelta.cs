using System.Diagnostics;
using System.Globalization;
using FapiHub.Application.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FapiHub.Benchmarks;

/// <summary>
/// The decontamination's colour on real photos at a subsampling s, against s = 1 as the reference (no photo set has
/// true foreground colours): for each photo in <c>DATA/images</c> with a matte in <c>MASKS/NAME.png</c> (a quality
/// run's <c>--out DIR/aurora</c>), the mean |Δ| of the premultiplied colour α·F over the semi-transparent pixels (the
/// only ones the step changes), in 0–255 levels, with the CPU time per MP of each estimate. For scale the same figure
/// between the photo's own colour and the reference ("what decontamination changes at all"). <c>--scale 2</c> first
/// enlarges photo and matte (Skia, bilinear), so the photo is larger than the grid and the streaming pass runs.
/// </summary>
internal static class DecontaminationDelta
{
    public static void Run(string data, string masks, int[] subsamples, double scale)
    {
        var processor = new SkiaImageProcessor(Options.Create(new ImagingOptions()), Options.Create(new LimitsOptions()));
        var deltas = subsamples.ToDictionary(s => s, _ => new List<double>());
        var unchanged = new List<double>();
        var cpu = subsamples.Append(1).Distinct().ToDictionary(s => s, _ => 0.0);
        double megapixels = 0;
        long checksum = 17;
        using var process = Process.GetCurrentProcess();
        foreach (var path in Directory.GetFiles(Path.Combine(data, "images")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var maskPath = Path.Combine(masks, name + ".png");
            if (!File.Exists(maskPath))
            {
                continue;
            }

            using var decoded = processor.Decode(File.ReadAllBytes(path)).Value;
            using var photo = scale == 1 ? Copy(decoded) : Enlarge(decoded, scale);
            using var mask = Mask(maskPath, photo.Width, photo.Height);
            if (mask.Span.IndexOfAnyExcept((byte)0, (byte)255) < 0)
            {
                continue;
            }

            megapixels += photo.Width * photo.Height / 1e6;
            using var reference = Estimate(photo, mask, 1, process, cpu);
            foreach (var b in reference.Span)
            {
                checksum = (checksum * 31) + b;
            }

            unchanged.Add(MeanPremultipliedDelta(photo, reference, mask));
            foreach (var s in subsamples)
            {
                using var candidate = s == 1 ? Copy(reference) : Estimate(photo, mask, s, process, cpu);
                deltas[s].Add(MeanPremultipliedDelta(candidate, reference, mask));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{unchanged.Count} photos, {megapixels:F2} MP, scale {scale}; reference checksum {checksum:X16}"));
        Console.WriteLine("| estimate | mean \\|Δ α·F\\| vs s = 1 (levels, ± s.e.) | largest per photo | CPU ms per MP |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| photo's own colour (no decontamination) | {Mean(unchanged):F3} ± {StandardError(unchanged):F3} | {unchanged.Max():F2} | — |"));
        foreach (var s in subsamples.Append(1).Distinct().Order())
        {
            var list = deltas.GetValueOrDefault(s) ?? [0];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| s = {s} | {Mean(list):F3} ± {StandardError(list):F3} | {list.Max():F2} | {cpu[s] / megapixels:F1} |"));
        }
    }

    /// <summary>
    /// A known answer on real textures: each photo of <paramref name="data"/> (images/ and its soft masks/, e.g.
    /// alphamatting's) is the foreground F, its mask the α, and a photo of <paramref name="backgrounds"/> (stretched to
    /// the same size) the background B; the decontamination gets <c>I = α·F + (1 − α)·B</c> and α, and its estimate is
    /// compared with the true F: mean |α·(F̂ − F)| over the semi-transparent pixels, in levels.
    /// </summary>
    public static void Truth(string data, string backgrounds, int[] subsamples, double scale)
    {
        var processor = new SkiaImageProcessor(Options.Create(new ImagingOptions()), Options.Create(new LimitsOptions()));
        var errors = subsamples.ToDictionary(s => s, _ => new List<double>());
        var unchanged = new List<double>();
        var cpu = subsamples.ToDictionary(s => s, _ => 0.0);
        var backgroundPaths = Directory.GetFiles(Path.Combine(backgrounds, "images")).Order(StringComparer.Ordinal).ToArray();
        var k = 0;
        double megapixels = 0;
        using var process = Process.GetCurrentProcess();
        foreach (var path in Directory.GetFiles(Path.Combine(data, "images")).Order(StringComparer.Ordinal))
        {
            var maskPath = Path.Combine(data, "masks", Path.GetFileNameWithoutExtension(path) + ".png");
            if (!File.Exists(maskPath))
            {
                continue;
            }

            using var decoded = processor.Decode(File.ReadAllBytes(path)).Value;
            using var foreground = scale == 1 ? Copy(decoded) : Enlarge(decoded, scale);
            using var mask = Mask(maskPath, foreground.Width, foreground.Height);
            using var backgroundPhoto = processor.Decode(File.ReadAllBytes(backgroundPaths[k++ % backgroundPaths.Length])).Value;
            using var background = Enlarge(backgroundPhoto, foreground.Width / (double)backgroundPhoto.Width, foreground.Width, foreground.Height);
            using var composite = Copy(foreground);
            var alpha = mask.Span;
            for (var i = 0; i < alpha.Length; i++)
            {
                var a = alpha[i] / 255f;
                for (var c = 0; c < 3; c++)
                {
                    var p = (4 * i) + c;
                    composite.Span[p] = (byte)((a * foreground.Span[p]) + ((1 - a) * background.Span[p]) + 0.5f);
                }
            }

            megapixels += foreground.Width * foreground.Height / 1e6;
            unchanged.Add(MeanPremultipliedDelta(composite, foreground, mask));
            foreach (var s in subsamples)
            {
                using var estimate = Estimate(composite, mask, s, process, cpu);
                errors[s].Add(MeanPremultipliedDelta(estimate, foreground, mask));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{unchanged.Count} composites, {megapixels:F2} MP, scale {scale}"));
        Console.WriteLine("| estimate | mean \\|α·(F̂ − F)\\| (levels, ± s.e.) | largest per photo | CPU ms per MP |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| the composite's own colour | {Mean(unchanged):F3} ± {StandardError(unchanged):F3} | {unchanged.Max():F2} | — |"));
        foreach (var s in subsamples)
        {
            var differences = errors[s].Zip(errors[subsamples[0]], (a, b) => a - b).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| s = {s} | {Mean(errors[s]):F3} ± {StandardError(errors[s]):F3} (paired vs s = {subsamples[0]}: {Mean(differences):+0.000;-0.000} ± {StandardError(differences):F3}) | {errors[s].Max():F2} | {cpu[s] / megapixels:F1} |"));
        }
    }

    private static RgbaImage Estimate(RgbaImage photo, AlphaMask mask, int subsample, Process process, Dictionary<int, double> cpu)
    {
        var copy = Copy(photo);
        process.Refresh();
        var started = process.TotalProcessorTime;
        using (var decontamination = new ForegroundEstimator(subsample: subsample))
        {
            decontamination.ApplyInPlace(copy, mask);
        }

        process.Refresh();
        cpu[subsample] += (process.TotalProcessorTime - started).TotalMilliseconds;
        return copy;
    }

    /// <summary>Mean over the semi-transparent pixels and the three channels of |α·(a − b)|, in levels.</summary>
    private static double MeanPremultipliedDelta(RgbaImage a, RgbaImage b, AlphaMask mask)
    {
        double sum = 0;
        long count = 0;
        var alpha = mask.Span;
        var left = a.Span;
        var right = b.Span;
        for (var i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] is 0 or 255)
            {
                continue;
            }

            var weight = alpha[i] / 255.0;
            for (var c = 0; c < 3; c++)
            {
                sum += weight * Math.Abs(left[(4 * i) + c] - right[(4 * i) + c]);
            }

            count += 3;
        }

        return count == 0 ? 0 : sum / count;
    }

    private static RgbaImage Copy(RgbaImage source)
    {
        var copy = new RgbaImage(source.Width, source.Height);
        source.Span.CopyTo(copy.Span);
        return copy;
    }

    private static RgbaImage Enlarge(RgbaImage source, double scale, int width = 0, int height = 0)
    {
        var enlarged = new RgbaImage(width > 0 ? width : (int)Math.Round(source.Width * scale), height > 0 ? height : (int)Math.Round(source.Height * scale));
        using var from = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        source.Span.CopyTo(from.GetPixelSpan());
        using var to = new SKBitmap(new SKImageInfo(enlarged.Width, enlarged.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        from.ScalePixels(to, new SKSamplingOptions(SKFilterMode.Linear));
        to.GetPixelSpan().CopyTo(enlarged.Span);
        return enlarged;
    }

    /// <summary>The saved matte as an 8-bit mask at the photo's size (bilinear when the photo was enlarged).</summary>
    private static AlphaMask Mask(string path, int width, int height)
    {
        using var codec = SKCodec.Create(path);
        using var decoded = SKBitmap.Decode(codec, new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var scaled = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!decoded.ScalePixels(scaled, new SKSamplingOptions(SKFilterMode.Linear)))
        {
            throw new InvalidOperationException($"Could not scale {path}.");
        }

        // Grey or RGB PNGs alike: the red channel is the grey value.
        var mask = new AlphaMask(width, height);
        var pixels = scaled.GetPixelSpan();
        for (var i = 0; i < mask.Span.Length; i++)
        {
            mask.Span[i] = pixels[4 * i];
        }

        return mask;
    }

    private static double Mean(List<double> values) => values.Count == 0 ? 0 : values.Average();

    private static double StandardError(List<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count);
    }
}
