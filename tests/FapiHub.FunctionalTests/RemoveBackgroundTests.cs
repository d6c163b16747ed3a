using System.Net;
using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.FunctionalTests;

/// <summary>Real photos through the real models: one inference per test case, so the cases are chosen deliberately.</summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class RemoveBackgroundTests(FapiHubFactory factory)
{
    private readonly HttpClient _client = factory.CreateAuthenticatedClient();

    /// <summary>Each model once, each on a different photo, with and without the trailing slash.</summary>
    [Theory]
    [InlineData("astronaut.png", "falcon", "/v2/rembg/", 222, 292, 8, 8)]
    [InlineData("coffee.png", "ghost", "/v2/rembg", 272, 192, 8, 8)]
    [InlineData("chelsea.png", "aurora", "/v2/rembg/", 140, 90, 420, 150)]
    public async Task RemoveBackground_WhenPhotoHasASubject_ShouldReturnRgbaPngWithOpaqueSubjectAndTransparentBackground(
        string fixture, string model, string path, int subjectX, int subjectY, int backgroundX, int backgroundY)
    {
        var photo = await File.ReadAllBytesAsync(Http.Fixture(fixture));
        using var input = SKBitmap.Decode(photo);

        using var response = await _client.PostAsync(path, Http.Form(photo, fixture, model));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var inferenceMs = double.Parse(Assert.Single(response.Headers.GetValues("X-Inference-Ms")), System.Globalization.CultureInfo.InvariantCulture);
        var processingMs = double.Parse(Assert.Single(response.Headers.GetValues("X-Processing-Ms")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(inferenceMs > 0 && inferenceMs <= processingMs, $"inference {inferenceMs} ms, processing {processingMs} ms");
        var png = await response.Content.ReadAsByteArrayAsync();
        var (width, height, bitDepth, colorType) = TestImages.PngHeader(png);
        Assert.Equal((input.Width, input.Height), (width, height));
        Assert.Equal((8, 6), (bitDepth, colorType)); // 8-bit RGBA

        using var output = DecodeUnpremultiplied(png);
        Assert.InRange(MeanAlpha(output, subjectX, subjectY), 200, 255);
        Assert.InRange(MeanAlpha(output, backgroundX, backgroundY), 0, 20);

        // Straight alpha: where the subject is opaque the colour is the photo's own.
        var original = input.GetPixel(subjectX + 8, subjectY + 8);
        var cut = output.GetPixel(subjectX + 8, subjectY + 8);
        if (cut.Alpha == 255)
        {
            Assert.Equal((original.Red, original.Green, original.Blue), (cut.Red, cut.Green, cut.Blue));
        }
    }

    [Fact]
    public async Task Mask_WhenPhotoHasASubject_ShouldReturnAn8BitGrayscalePngWithWhiteSubject()
    {
        var photo = await File.ReadAllBytesAsync(Http.Fixture("coffee.png"));

        using var response = await _client.PostAsync("/v2/rembg/mask/", Http.Form(photo, "coffee.png"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal((600, 400, 8, 0), TestImages.PngHeader(png)); // 8-bit grayscale, input's size
        using var mask = SKBitmap.Decode(png);
        Assert.InRange(MeanRed(mask, 272, 192), 230, 255);
        Assert.InRange(MeanRed(mask, 8, 8), 0, 10);
    }

    [Fact]
    public async Task Mask_WhenJpegHasExifOrientation6_ShouldAnswerInTheUprightSizeWithTheSubjectRotated()
    {
        // The coffee photo stored as its 90°-counter-clockwise rotation (400 × 600) plus "rotate 90° clockwise to view":
        // a viewer shows the original 600 × 400 photo, and so must our mask be.
        using var upright = SKBitmap.Decode(await File.ReadAllBytesAsync(Http.Fixture("coffee.png")));
        using var stored = new SKBitmap(upright.Height, upright.Width);
        using (var canvas = new SKCanvas(stored))
        {
            canvas.Translate(0, upright.Width);
            canvas.RotateDegrees(-90);
            using var image = SKImage.FromBitmap(upright);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }

        using var jpegData = stored.Encode(SKEncodedImageFormat.Jpeg, 92);
        var jpeg = TestImages.WithExifOrientation(jpegData.ToArray(), 6);

        using var response = await _client.PostAsync("/v2/rembg/mask", Http.Form(jpeg, "rotated.jpg", mediaType: "image/jpeg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal((600, 400), (TestImages.PngHeader(png).Width, TestImages.PngHeader(png).Height));
        using var mask = SKBitmap.Decode(png);
        Assert.InRange(MeanRed(mask, 272, 192), 200, 255); // the cup, where it is in the upright photo
        Assert.InRange(MeanRed(mask, 8, 8), 0, 20);
    }

    private static SKBitmap DecodeUnpremultiplied(byte[] png)
    {
        using var codec = SKCodec.Create(new MemoryStream(png));
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(bitmap.Info, bitmap.GetPixels()));
        return bitmap;
    }

    private static double MeanAlpha(SKBitmap bitmap, int x, int y) => Mean(bitmap, x, y, c => c.Alpha);

    private static double MeanRed(SKBitmap bitmap, int x, int y) => Mean(bitmap, x, y, c => c.Red);

    /// <summary>Mean of a channel over the 16 × 16 patch at (x, y): robust to a stray pixel.</summary>
    private static double Mean(SKBitmap bitmap, int x, int y, Func<SKColor, byte> channel)
    {
        double sum = 0;
        for (var dy = 0; dy < 16; dy++)
        {
            for (var dx = 0; dx < 16; dx++)
            {
                sum += channel(bitmap.GetPixel(x + dx, y + dy));
            }
        }

        return sum / 256;
    }
}
