using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.Options;
using SkiaSharp;
using static FapiHub.UnitTests.Infrastructure.SquareScene;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class SkiaImageProcessorTests
{
    private readonly SkiaImageProcessor _processor = new(Options.Create(new ImagingOptions()));

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void Decode_WhenImageIsValid_ShouldReturnItsSizeAndColours(SKEncodedImageFormat format)
    {
        var bytes = TestImages.Encode(40, 30, (x, _) => x < 20 ? SKColors.Red : SKColors.Blue, format);

        var result = _processor.Decode(bytes);

        Assert.True(result.IsSuccess);
        using var image = result.Value;
        Assert.Equal((40, 30), (image.Width, image.Height));
        var pixels = image.Span;
        Assert.InRange(pixels[((15 * 40) + 5) * 4], 230, 255);        // red on the left
        Assert.InRange(pixels[(((15 * 40) + 35) * 4) + 2], 230, 255); // blue on the right
    }

    [Fact]
    public void Probe_WhenJpegHasExifOrientation6_ShouldGiveTheUprightSizeWithoutDecoding()
    {
        var jpeg = TestImages.Encode(60, 20, (_, _) => SKColors.White, SKEncodedImageFormat.Jpeg);

        var result = _processor.Probe(TestImages.WithExifOrientation(jpeg, 6));

        Assert.Equal(new ImageSize(20, 60), result.Value);
        Assert.Equal(1200, result.Value.Pixels);
    }

    [Fact]
    public void Probe_WhenTheHeaderIsABombOrNotAnImage_ShouldFailAsDecodeWould()
    {
        var bomb = _processor.Probe(TestImages.PngHeaderOnly(50_000, 50_000));
        var text = _processor.Probe("not an image"u8.ToArray());
        var empty = _processor.Probe(ReadOnlyMemory<byte>.Empty);

        Assert.Equal("image_too_large", bomb.Error!.Code);
        Assert.Equal("invalid_image", text.Error!.Code);
        Assert.Equal("invalid_image", empty.Error!.Code);
    }

    [Fact]
    public void Decode_WhenJpegHasExifOrientation6_ShouldSwapWidthAndHeight()
    {
        // Stored 60 × 20 with a red left end; orientation 6 means "rotate 90° clockwise to view".
        var jpeg = TestImages.Encode(60, 20, (x, _) => x < 10 ? SKColors.Red : SKColors.White, SKEncodedImageFormat.Jpeg);

        var result = _processor.Decode(TestImages.WithExifOrientation(jpeg, 6));

        using var image = result.Value;
        Assert.Equal((20, 60), (image.Width, image.Height));
        // After rotating clockwise the stored left end is on top.
        var top = image.Span.Slice(((2 * 20) + 10) * 4, 4);
        var bottom = image.Span.Slice(((57 * 20) + 10) * 4, 4);
        Assert.True(top[1] < 80 && bottom[1] > 200, $"top G={top[1]}, bottom G={bottom[1]}");
    }

    [Theory]
    [InlineData(new byte[] { }, "the file is empty")]
    [InlineData(new byte[] { 0x48, 0x65, 0x6C, 0x6C, 0x6F }, "its first bytes match none of them")] // "Hello"
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10 }, "the JPEG header is damaged or incomplete")] // ends after its first marker
    public void Decode_WhenBytesAreNotADecodableImage_ShouldReturnInvalidImageSayingWhy(byte[] bytes, string reason)
    {
        var result = _processor.Decode(bytes);

        Assert.Equal("invalid_image", result.Error?.Code);
        Assert.Contains(reason, result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WhenJpegIsTruncated_ShouldReturnInvalidImage()
    {
        var jpeg = TestImages.Encode(64, 64, (x, y) => new SKColor((byte)x, (byte)y, 100), SKEncodedImageFormat.Jpeg);

        var result = _processor.Decode(jpeg.AsMemory(0, jpeg.Length / 2));

        Assert.Equal("invalid_image", result.Error?.Code);
        Assert.Contains("the JPEG header is damaged or incomplete", result.Error!.Message, StringComparison.Ordinal); // half of 64² is in the tables
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)] // decoded into a second buffer and rotated: the check must see the stored rows
    public void Decode_WhenAJpegIsCutAndGivenAnEndMarker_ShouldReturnInvalidImageSayingItEndsEarly(ushort orientation)
    {
        var jpeg = NoisyJpeg(320, 240);
        byte[] cut = [.. jpeg[..(jpeg.Length * 3 / 10)], 0xFF, 0xD9];

        var result = _processor.Decode(TestImages.WithExifOrientation(cut, orientation));

        Assert.Equal("invalid_image", result.Error?.Code);
        Assert.Contains("the JPEG data ends before the last row", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WhenAJpegIsCompleteButEndsInMidGreyRows_ShouldDecodeIt()
    {
        var jpeg = TestImages.Encode(320, 240, (x, y) => y >= 160 ? new SKColor(128, 128, 128) : new SKColor((byte)x, (byte)y, 60), SKEncodedImageFormat.Jpeg);

        var result = _processor.Decode(jpeg);

        Assert.True(result.IsSuccess, result.Error?.Message);
        result.Value.Dispose();
    }

    [Fact]
    public void Decode_WhenAPngIsOverTheDecodersSideLimit_ShouldSaySo()
    {
        var result = _processor.Decode(TestImages.OnePixelWidePng(1_000_001));

        Assert.Equal("invalid_image", result.Error?.Code);
        Assert.Contains("the PNG is 1x1000001 pixels, and the PNG decoder reads at most 1000000 pixels per side", result.Error!.Message, StringComparison.Ordinal);
    }

    private static byte[] NoisyJpeg(int width, int height) =>
        TestImages.Encode(width, height, (x, y) => new SKColor((byte)((x * 7) ^ (y * 3)), (byte)(y + (x % 13)), (byte)(x + y)), SKEncodedImageFormat.Jpeg, 90);

    [Fact]
    public void Decode_WhenHeaderDeclaresMorePixelsThanTheLimit_ShouldRefuseBeforeDecoding()
    {
        var result = _processor.Decode(TestImages.PngHeaderOnly(50_000, 50_000));

        Assert.Equal("image_too_large", result.Error?.Code);
        Assert.Contains("50000x50000", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WhenFormatIsNotAccepted_ShouldReturnInvalidImage()
    {
        // ICO is decodable by Skia but not one of the formats the API accepts.
        byte[] ico = [0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0, 48, 0, 0, 0, 22, 0, 0, 0];

        var result = _processor.Decode(ico);

        Assert.False(result.IsSuccess);
        Assert.Equal("invalid_image", result.Error!.Code);
        Assert.Contains("ICO files are not accepted", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(DecodeFailure.UnsupportedFormat, result.Error.DecodeFailure);
    }

    /// <summary>The kind of failure is a value the protocols map (remove.bg: invalid_file_type or failed_to_read_image), not a phrase to search for.</summary>
    [Theory]
    [InlineData("tiff", DecodeFailure.UnsupportedFormat)]
    [InlineData("text", DecodeFailure.Unrecognised)]
    [InlineData("empty", DecodeFailure.Unrecognised)]
    [InlineData("png-header", DecodeFailure.Damaged)]
    [InlineData("truncated-jpeg", DecodeFailure.Damaged)]
    public void Decode_WhenTheDataIsNoUsableImage_ShouldSayWhichKindOfFailure(string kind, DecodeFailure expected)
    {
        var jpeg = NoisyJpeg(64, 64);
        var data = kind switch
        {
            "tiff" => "II*\0 not really a tiff"u8.ToArray(),
            "text" => "hello, not a picture"u8.ToArray(),
            "empty" => [],
            "png-header" => TestImages.PngHeaderOnly(1, 0)[..20],
            _ => jpeg[..(jpeg.Length / 2)],
        };

        var result = _processor.Decode(data);

        Assert.Equal("invalid_image", result.Error?.Code);
        Assert.Equal(expected, result.Error!.DecodeFailure);
    }

    [Fact]
    public void EncodePng_WhenGivenAMask_ShouldWriteAn8BitGrayscalePngThatRoundTrips()
    {
        using var mask = new FapiHub.Domain.Imaging.AlphaMask(5, 3);
        for (var i = 0; i < 15; i++)
        {
            mask.Span[i] = (byte)(i * 17);
        }

        var png = Bytes(_processor.Encode(mask, OutputOptions.Default));

        Assert.Equal((5, 3, 8, 0), TestImages.PngHeader(png));
        using var decoded = SKBitmap.Decode(png);
        Assert.Equal(new SKColor(17 * 7, 17 * 7, 17 * 7), decoded.GetPixel(2, 1));
    }

    [Fact]
    public void EncodePng_WhenGivenAnImage_ShouldWriteRgbaWithStraightAlpha()
    {
        using var image = new FapiHub.Domain.Imaging.RgbaImage(2, 1);
        new byte[] { 200, 100, 50, 128, 10, 20, 30, 0 }.CopyTo(image.Span);

        var png = Bytes(_processor.Encode(image, OutputOptions.Default));

        Assert.Equal((2, 1, 8, 6), TestImages.PngHeader(png));
        var roundTrip = _processor.Decode(png).Value;
        Assert.Equal(new byte[] { 200, 100, 50, 128 }, roundTrip.Span[..4].ToArray()); // colour not premultiplied
    }

    [Fact]
    public void Crop_WhenGivenABox_ShouldCopyExactlyThatRegion()
    {
        using var photo = Photo();

        using var cropped = _processor.Crop(photo, new PixelBox(10, 20, 5, 3));

        Assert.Equal((5, 3), (cropped.Width, cropped.Height));
        Assert.Equal(Pixel(photo, 12, 21), Pixel(cropped, 2, 1));
    }

    [Fact]
    public void Encode_WhenWebp_ShouldKeepTransparency()
    {
        using var photo = Photo();
        using var mask = SquareMask();
        photo.ApplyAlpha(mask);

        var webp = Bytes(_processor.Encode(photo, new OutputOptions(OutputFormat.WebP, 90)));

        using var codec = SKCodec.Create(new SKMemoryStream(webp));
        Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
        using var decoded = SKBitmap.Decode(webp);
        Assert.Equal((byte)0, decoded.GetPixel(2, 2).Alpha);
        Assert.Equal((byte)255, decoded.GetPixel(32, 32).Alpha);
    }

    /// <summary>The encoded bytes as an array, the pooled buffer handed back.</summary>
    private static byte[] Bytes(FapiHub.Domain.Imaging.EncodedImage encoded)
    {
        using (encoded)
        {
            return encoded.Memory.ToArray();
        }
    }
}
