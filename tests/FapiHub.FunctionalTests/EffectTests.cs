using System.Net;
using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.FunctionalTests;

/// <summary>The effect endpoints on real photos with the real model: one inference per test.</summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class EffectTests(FapiHubFactory factory)
{
    private readonly HttpClient _client = factory.CreateAuthenticatedClient();

    [Fact]
    public async Task Blur_WhenRadiusIsGiven_ShouldFlattenTheBackgroundKeepTheSubjectAndIgnoreModel()
    {
        var photo = await File.ReadAllBytesAsync(Http.Fixture("astronaut.png"));
        using var input = SKBitmap.Decode(photo);
        using var form = Http.Form(photo, "astronaut.png", model: "phantom").With(("radius", "20")); // model is not a field of /blur: ignored

        using var response = await _client.PostAsync("/v2/rembg/blur/", form);

        using var output = await DecodeOk(response, "image/png", SKEncodedImageFormat.Png);
        Assert.Equal((input.Width, input.Height), (output.Width, output.Height));
        Assert.True(Variance(output, 0, 40, 40) < Variance(input, 0, 40, 40) / 10, "the flag behind her should lose most of its detail");
        var face = (input.GetPixel(230, 120), output.GetPixel(230, 120));
        Assert.InRange(Math.Abs(face.Item1.Red - face.Item2.Red), 0, 2);
        Assert.InRange(Math.Abs(face.Item1.Green - face.Item2.Green), 0, 2);
        Assert.Equal((byte)255, output.GetPixel(5, 5).Alpha); // opaque
    }

    [Fact]
    public async Task Color_WhenCropped_ShouldPaintTheBackgroundExactlyAndTightenTheBox()
    {
        var photo = await File.ReadAllBytesAsync(Http.Fixture("coffee.png"));
        using var form = Http.Form(photo, "coffee.png").With(("bgcolor", "#FF8C00"), ("crop", "true"), ("crop_margin", "12"));

        using var response = await _client.PostAsync("/v2/rembg/color", form);

        using var output = await DecodeOk(response, "image/png", SKEncodedImageFormat.Png);
        Assert.True(output.Width < 600 && output.Height <= 400, $"crop should tighten 600x400, got {output.Width}x{output.Height}");
        Assert.True(output.Width > 300 && output.Height > 300, "the cup itself must stay");
        var corner = output.GetPixel(2, 2);
        Assert.InRange(corner.Red, 253, 255);
        Assert.InRange(corner.Green, 138, 142);
        Assert.InRange(corner.Blue, 0, 2);
        Assert.Equal((byte)255, corner.Alpha);
    }

    [Fact]
    public async Task Gradient_WhenJpg_ShouldRunFromTopColourToBottomColour()
    {
        var photo = await File.ReadAllBytesAsync(Http.Fixture("astronaut.png"));
        using var form = Http.Form(photo, "astronaut.png")
            .With(("top_color", "(20, 40, 200)"), ("bottom_color", "250, 250, 250"), ("format", "jpg"), ("quality", "95"));

        using var response = await _client.PostAsync("/v2/rembg/gradient/", form);

        using var output = await DecodeOk(response, "image/jpeg", SKEncodedImageFormat.Jpeg);
        Assert.Equal((512, 512), (output.Width, output.Height));
        var top = output.GetPixel(480, 2);
        Assert.True(Math.Abs(top.Red - 20) <= 8 && Math.Abs(top.Green - 40) <= 8 && Math.Abs(top.Blue - 200) <= 8, $"top {top}");
        // Low down, the background left of the suit: 88 % of the way from top_color to bottom_color.
        var low = output.GetPixel(2, 452);
        Assert.True(Math.Abs(low.Red - 223) <= 10 && Math.Abs(low.Green - 226) <= 10 && Math.Abs(low.Blue - 244) <= 10, $"low {low}");
    }

    [Fact]
    public async Task Shadow_WhenWebp_ShouldCastAnOffsetShadowOnATransparentGrownCanvas()
    {
        var photo = await File.ReadAllBytesAsync(Http.Fixture("coffee.png"));
        using var form = Http.Form(photo, "coffee.png")
            .With(("offset_x", "0"), ("offset_y", "24"), ("blur_radius", "4"), ("shadow_color", "0, 0, 0, 200"), ("format", "webp"));

        using var response = await _client.PostAsync("/v2/rembg/shadow/", form);

        using var output = await DecodeOk(response, "image/webp", SKEncodedImageFormat.Webp);
        Assert.Equal(600, output.Width);
        Assert.True(output.Height > 400, $"the shadow below the cup should grow the canvas, got {output.Height}");
        Assert.InRange(output.GetPixel(5, 5).Alpha, 0, 5);        // background transparent
        Assert.InRange(output.GetPixel(280, 200).Alpha, 250, 255); // the cup
        // Just below the cup, where the cut-out alone is transparent, the shadow is.
        var shadow = output.GetPixel(280, 405);
        Assert.InRange(shadow.Alpha, 60, 220);
        Assert.InRange(shadow.Red, 0, 30);
    }

    /// <summary>Asserts a 200 whose content type and actual encoding are the expected ones, and decodes it.</summary>
    private static async Task<SKBitmap> DecodeOk(HttpResponseMessage response, string mediaType, SKEncodedImageFormat format)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using (var codec = SKCodec.Create(new SKMemoryStream(bytes)))
        {
            Assert.Equal(format, codec.EncodedFormat);
        }

        return SKBitmap.Decode(bytes);
    }

    private static double Variance(SKBitmap bitmap, int x0, int y0, int size)
    {
        var values = new List<double>();
        for (var y = y0; y < y0 + size; y++)
        {
            for (var x = x0; x < x0 + size; x++)
            {
                var c = bitmap.GetPixel(x, y);
                values.Add((c.Red + c.Green + c.Blue) / 3.0);
            }
        }

        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Count;
    }
}
