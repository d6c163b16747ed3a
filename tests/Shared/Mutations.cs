namespace FapiHub.Tests.Shared;

/// <summary>
/// Reproducible hostile uploads for fuzzing: valid seeds (PNG, JPEG, WebP, GIF, BMP) mangled by bit flips,
/// truncation, splices, header rewrites and plain noise behind a real magic number.
/// </summary>
internal static class Mutations
{
    /// <summary>A 1×1 GIF (the classic transparent pixel): Skia encodes no GIF, so its bytes are written out.</summary>
    public static readonly byte[] Gif =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    /// <summary>The seeds every mutation starts from.</summary>
    public static IReadOnlyList<byte[]> Seeds()
    {
        static SkiaSharp.SKColor Pattern(int x, int y) => new((byte)(x * 7), (byte)(y * 11), (byte)((x + y) * 3));
        return
        [
            TestImages.Encode(40, 30, Pattern),
            TestImages.Encode(40, 30, Pattern, SkiaSharp.SKEncodedImageFormat.Jpeg),
            TestImages.Encode(40, 30, Pattern, SkiaSharp.SKEncodedImageFormat.Webp),
            Gif,
            Bmp(6, 4),
        ];
    }

    /// <summary><paramref name="count"/> mutated inputs from a fixed seed: the same list on every run.</summary>
    public static IEnumerable<byte[]> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var seeds = Seeds();
        for (var i = 0; i < count; i++)
        {
            var source = seeds[random.Next(seeds.Count)];
            yield return (i % 7) switch
            {
                0 => FlipBits(source, random, random.Next(1, 12)),
                1 => source[..random.Next(0, source.Length)],
                2 => Splice(source, seeds[random.Next(seeds.Count)], random),
                3 => RewriteHeader(source, random),
                4 => [.. source.AsSpan(0, Math.Min(source.Length, random.Next(2, 16))), .. Noise(random, random.Next(0, 4096))],
                5 => Noise(random, random.Next(0, 2048)),
                _ => FlipBits(source[..random.Next(1, source.Length)], random, random.Next(1, 4)),
            };
        }
    }

    /// <summary>
    /// Output-size cases (issue 13): thin, very long strips (and their wide twins) with shadow offsets, blurs and crop
    /// margins at and past their limits, so the canvas a shadow asks for ranges from the photo itself to far more than
    /// any pixel limit, and to sizes whose byte count overflows an int. The same list on every run.
    /// </summary>
    public static IEnumerable<OutputSizeCase> OutputSizeCases(int count, int seed)
    {
        var random = new Random(seed);
        (int Width, int Height)[] shapes = [(4, 300_000), (4, 1_000_000), (300_000, 4), (1, 200_000), (2, 50_000), (50_000, 2), (3, 3)];
        var strips = new Dictionary<(int, int), byte[]>();
        for (var i = 0; i < count; i++)
        {
            var shape = shapes[random.Next(shapes.Length)];
            if (!strips.TryGetValue(shape, out var image))
            {
                image = TestImages.ThinStrip(shape.Width, shape.Height);
                strips[shape] = image;
            }

            yield return new OutputSizeCase(
                image,
                $"{shape.Width}x{shape.Height}",
                Pick(random, [-1000, 1000, 0], -1000, 1000, [-1001, 1001, int.MinValue]),
                Pick(random, [-1000, 1000, 10], -1000, 1000, [-1001, int.MaxValue]),
                Pick(random, [0, 100, 15], 0, 100, [-1, 101]),
                random.Next(2) == 0,
                Pick(random, [0, 10_000], 0, 10_000, [-1, 10_001]));
        }
    }

    /// <summary>Mostly an extreme, often any value in range, now and then one just out of range (the validator's 400).</summary>
    private static int Pick(Random random, int[] extremes, int min, int max, int[] outOfRange) => random.Next(10) switch
    {
        < 5 => extremes[random.Next(extremes.Length)],
        < 9 => random.Next(min, max + 1),
        _ => outOfRange[random.Next(outOfRange.Length)],
    };

    private static byte[] FlipBits(byte[] source, Random random, int flips)
    {
        var copy = (byte[])source.Clone();
        for (var f = 0; f < flips && copy.Length > 0; f++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return copy;
    }

    private static byte[] Splice(byte[] first, byte[] second, Random random) =>
        [.. first.AsSpan(0, random.Next(0, first.Length)), .. second.AsSpan(random.Next(0, second.Length))];

    /// <summary>Overwrites bytes 6–25 (where PNG, GIF, BMP and WebP keep their sizes) with random values.</summary>
    private static byte[] RewriteHeader(byte[] source, Random random)
    {
        var copy = (byte[])source.Clone();
        for (var i = 6; i < Math.Min(26, copy.Length); i++)
        {
            if (random.Next(3) == 0)
            {
                copy[i] = (byte)random.Next(256);
            }
        }

        return copy;
    }

    private static byte[] Noise(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A 24-bit bottom-up BMP: 14-byte file header, 40-byte info header, rows padded to 4 bytes.</summary>
    private static byte[] Bmp(int width, int height)
    {
        var row = ((width * 3) + 3) & ~3;
        var size = 54 + (row * height);
        var bmp = new byte[size];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BitConverter.TryWriteBytes(bmp.AsSpan(2), size);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), width);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), height);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        for (var i = 54; i < size; i++)
        {
            bmp[i] = (byte)(i * 37);
        }

        return bmp;
    }
}

/// <summary>One upload for <c>/v2/rembg/shadow/</c> with its effect and crop fields.</summary>
internal sealed record OutputSizeCase(byte[] Image, string Shape, int OffsetX, int OffsetY, int BlurRadius, bool Crop, int CropMargin);
