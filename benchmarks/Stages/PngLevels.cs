using System.Diagnostics;
using FapiHub.Application.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace FapiHub.Benchmarks;

/// <summary>
/// The PNG trade-off on one photo-like cut-out: median encode time and output size per row filter and zlib level.
/// Decides the defaults of Imaging:PngFilter and Imaging:PngCompressionLevel (docs/performance.md).
/// </summary>
internal static class PngLevels
{
    private static readonly (SKPngEncoderFilterFlags Filter, int Level)[] Settings =
    [
        (SKPngEncoderFilterFlags.AllFilters, 6),
        (SKPngEncoderFilterFlags.AllFilters, 3),
        (SKPngEncoderFilterFlags.Paeth, 3),
        (SKPngEncoderFilterFlags.Up, 3),
        (SKPngEncoderFilterFlags.Sub, 3),
        (SKPngEncoderFilterFlags.Sub, 1),
        (SKPngEncoderFilterFlags.Up, 1),
        (SKPngEncoderFilterFlags.NoFilters, 1),
    ];

    public static void Run(double megapixels)
    {
        var (width, height) = SyntheticPhoto.Size(megapixels);
        var decoder = new SkiaImageProcessor(Options.Create(new ImagingOptions()), Options.Create(new LimitsOptions { MaxPixels = 30_000_000 }));
        using var photo = decoder.Decode(SyntheticPhoto.Jpeg(width, height)).Value;
        using var mask = new AlphaMask(width, height);
        Infrastructure.BackgroundRemoval.Matting.MaskResampler.ResizeToBytes(SyntheticPhoto.Matte(1024), 1024, 1024, mask.Span, width, height);
        photo.ApplyAlpha(mask);

        Console.WriteLine($"PNG encode of a {width}x{height} cut-out ({megapixels} MP), median of 5:");
        Console.WriteLine("| row filter | zlib level | ms | bytes |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (filter, level) in Settings)
        {
            var encoder = new SkiaImageProcessor(Options.Create(new ImagingOptions { PngFilter = filter, PngCompressionLevel = level }), Options.Create(new LimitsOptions { MaxPixels = 30_000_000 }));
            var times = new List<double>();
            var bytes = 0;
            for (var i = 0; i < 5; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var png = encoder.Encode(photo, OutputOptions.Default);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                bytes = png.Length;
            }

            times.Sort();
            Console.WriteLine($"| {filter} | {level} | {times[2]:F0} | {bytes:N0} |");
        }
    }
}
