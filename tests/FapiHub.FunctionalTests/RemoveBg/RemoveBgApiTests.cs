using System.IO.Compression;
using System.Net;
using System.Text.Json;
using FapiHub.Tests.Shared;
using SkiaSharp;
using static FapiHub.FunctionalTests.RemoveBg.RemoveBgClient;

namespace FapiHub.FunctionalTests.RemoveBg;

/// <summary>
/// remove.bg's API v1.0 over the real pipeline (real models): each parameter honoured, each refusal in remove.bg's
/// shape and status, and the charging rule (one unit per image, nothing on any failure) read back from
/// <c>/v1.0/account</c>. Inferences are few and deliberate; the refusals never reach the model.
/// </summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class RemoveBgApiTests(FapiHubFactory factory)
{
    private static readonly byte[] Coffee = File.ReadAllBytes(Http.Fixture("coffee.png"));
    private static readonly byte[] Astronaut = File.ReadAllBytes(Http.Fixture("astronaut.png"));

    private HttpClient Client()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", FapiHubFactory.ApiKey);
        return client;
    }

    private static SKBitmap Decode(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(bitmap.Info, bitmap.GetPixels()));
        return bitmap;
    }

    [Fact]
    public async Task RemoveBackground_WhenImageFileIsUploaded_ShouldAnswerPngWithRemoveBgsHeadersAndChargeOne()
    {
        using var client = Client();
        var before = await CreditsTotal(client);

        using var response = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType); // format=auto, transparent
        Assert.Equal("other", Assert.Single(response.Headers.GetValues("X-Type")));
        Assert.Equal((600, 400), (Header(response, "X-Width"), Header(response, "X-Height")));
        Assert.Equal(1, Header(response, "X-Credits-Charged"));
        Assert.InRange(Header(response, "X-Foreground-Width"), 100, 600);
        Assert.InRange(Header(response, "X-RateLimit-Reset"), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600); // a Unix time, not seconds to wait
        Assert.Equal((600, 400, 8, 6), TestImages.PngHeader(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(before - 1, await CreditsTotal(client));
    }

    [Fact]
    public async Task RemoveBackground_WhenJsonWithDataUrlAndAcceptJson_ShouldAnswerResultB64AndTheForegroundBox()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, Route)
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { image_file_b64 = "data:image/png;base64," + Convert.ToBase64String(Coffee), crop = true, type = "product" }),
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("product", Assert.Single(response.Headers.GetValues("X-Type")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = json.RootElement.GetProperty("data");
        using var image = Decode(Convert.FromBase64String(data.GetProperty("result_b64").GetString()!));
        Assert.Equal((Header(response, "X-Width"), Header(response, "X-Height")), (image.Width, image.Height));
        Assert.Equal((0, 0), (data.GetProperty("foreground_top").GetInt32(), data.GetProperty("foreground_left").GetInt32())); // cropped to it
        Assert.Equal((image.Width, image.Height), (data.GetProperty("foreground_width").GetInt32(), data.GetProperty("foreground_height").GetInt32()));
    }

    [Fact]
    public async Task RemoveBackground_WhenSizeIsPreviewInUrlEncodedBase64_ShouldScaleToAQuarterMegapixel()
    {
        using var client = Client();

        using var response = await client.PostAsync(Route, Body(Encoding.UrlEncoded, Astronaut, ("size", "preview")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (width, height) = (Header(response, "X-Width"), Header(response, "X-Height"));
        Assert.InRange(width * height, 240_000, 250_000); // 512 x 512 = 262,144 scaled to at most 0.25 MP
        Assert.Equal(width, height);
    }

    [Fact]
    public async Task RemoveBackground_WhenZipIsUnpackedAndRecomposed_ShouldEqualThePngAnswersPixels()
    {
        using var client = Client();

        using var zipAnswer = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("format", "zip")));
        using var pngAnswer = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("format", "png")));

        Assert.Equal("application/zip", zipAnswer.Content.Headers.ContentType?.MediaType);
        using var archive = new ZipArchive(new MemoryStream(await zipAnswer.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["color.jpg", "alpha.png"], archive.Entries.Select(e => e.FullName));
        using var color = SKBitmap.Decode(archive.Entries[0].Open());
        using var alpha = SKBitmap.Decode(archive.Entries[1].Open());
        using var png = Decode(await pngAnswer.Content.ReadAsByteArrayAsync());
        var colourError = 0L;
        var opaque = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                var want = png.GetPixel(x, y);
                Assert.Equal(want.Alpha, alpha.GetPixel(x, y).Red); // the matte: exact
                if (want.Alpha == 255)
                {
                    var got = color.GetPixel(x, y);
                    colourError += Math.Abs(got.Red - want.Red) + Math.Abs(got.Green - want.Green) + Math.Abs(got.Blue - want.Blue);
                    opaque++;
                }
            }
        }

        // The colour is JPEG's (quality 90): equal up to its loss, a few levels per channel on average.
        Assert.InRange(colourError / (3.0 * opaque), 0, 4);
    }

    [Theory]
    [InlineData(Encoding.Multipart)]
    [InlineData(Encoding.Json)]
    public async Task RemoveBackground_WhenChannelsIsAlpha_ShouldAnswerTheGrayscaleMatte(Encoding encoding)
    {
        using var client = Client();

        using var response = await client.PostAsync(Route, Body(encoding, Coffee, ("channels", "alpha")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((600, 400, 8, 0), TestImages.PngHeader(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task RemoveBackground_WhenBgColorIsANameAndFormatAuto_ShouldAnswerJpegOnThatColour()
    {
        using var client = Client();

        using var response = await client.PostAsync(Route, Body(Encoding.UrlEncoded, Coffee, ("bg_color", "green")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType); // opaque: auto is JPEG
        using var image = Decode(await response.Content.ReadAsByteArrayAsync());
        var corner = image.GetPixel(590, 390);
        Assert.True(corner.Green > 100 && corner.Red < 40 && corner.Blue < 40, $"corner {corner}");
    }

    [Fact]
    public async Task RemoveBackground_WhenScaledAndPositionedWithHardEdgesOnAPicture_ShouldHonourEach()
    {
        using var client = Client();
        var picture = TestImages.Encode(300, 200, (_, _) => SKColors.Blue);
        using var form = Body(Encoding.Multipart, Coffee, ("scale", "50%"), ("position", "100% 100%"), ("semitransparency", "false"), ("format", "png"));
        var bg = new ByteArrayContent(picture);
        bg.Headers.ContentType = new("image/png");
        ((MultipartFormDataContent)form).Add(bg, "bg_image_file", "bg.png");

        using var response = await client.PostAsync(Route, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (left, top, width, height) = (Header(response, "X-Foreground-Left"), Header(response, "X-Foreground-Top"), Header(response, "X-Foreground-Width"), Header(response, "X-Foreground-Height"));
        Assert.Equal((600, 400), (left + width, top + height)); // pushed into the bottom-right corner
        Assert.True(width <= 300 && height <= 200 && (width >= 298 || height >= 198), $"{width}x{height} fits half the canvas");
        using var image = Decode(await response.Content.ReadAsByteArrayAsync());
        var topLeft = image.GetPixel(5, 5);
        Assert.Equal((0, 0, 255, 255), (topLeft.Red, topLeft.Green, topLeft.Blue, topLeft.Alpha)); // the picture, cover-scaled
    }

    [Fact]
    public async Task RemoveBackground_WhenAPictureWithTransparencyIsAskedForAsJpg_ShouldAnswerJpegWithThePictureOnWhite()
    {
        using var client = Client();
        var picture = TestImages.Encode(300, 200, (_, _) => new SKColor(0, 0, 255, 128)); // half see-through blue
        using var form = Body(Encoding.Multipart, Coffee, ("format", "jpg"));
        var bg = new ByteArrayContent(picture);
        bg.Headers.ContentType = new("image/png");
        ((MultipartFormDataContent)form).Add(bg, "bg_image_file", "bg.png");

        using var response = await client.PostAsync(Route, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var image = Decode(await response.Content.ReadAsByteArrayAsync());
        var corner = image.GetPixel(5, 5); // half blue over white
        Assert.True(corner.Blue > 230 && corner.Red is > 100 and < 160 && corner.Green is > 100 and < 160, $"corner {corner}");
    }

    [Fact]
    public async Task RemoveBackground_WhenCropMarginIsGiven_ShouldKeepItAroundTheSubject()
    {
        using var client = Client();

        using var response = await client.PostAsync(Route, Body(Encoding.Json, Coffee, ("crop", "true"), ("crop_margin", "5px")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((5, 5), (Header(response, "X-Foreground-Left"), Header(response, "X-Foreground-Top")));
        Assert.Equal(Header(response, "X-Foreground-Width") + 10, Header(response, "X-Width")); // 5 px a side, past the photo's edge too
        Assert.Equal(Header(response, "X-Foreground-Height") + 10, Header(response, "X-Height"));
    }

    [Fact]
    public async Task RemoveBackground_WhenCropMarginReachesPastThePhotosEdge_ShouldPadTransparentlyAsRemoveBgDoes()
    {
        using var client = Client();

        // 500 px a side (remove.bg's cap) around a subject of a 600 x 400 photo reaches past every edge of it.
        using var response = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("size", "full"), ("format", "png"), ("crop", "true"), ("crop_margin", "500px")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (width, height) = (Header(response, "X-Foreground-Width"), Header(response, "X-Foreground-Height"));
        Assert.Equal((width + 1000, height + 1000), (Header(response, "X-Width"), Header(response, "X-Height")));
        Assert.Equal((500, 500), (Header(response, "X-Foreground-Left"), Header(response, "X-Foreground-Top")));
        using var image = Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.True(image.Width > 600 && image.Height > 400, $"{image.Width}x{image.Height} is larger than the photo");
        Assert.All(
            new[] { (0, 0), (image.Width - 1, 0), (0, image.Height - 1), (image.Width - 1, image.Height - 1), (250, image.Height / 2) },
            p => Assert.Equal(0, image.GetPixel(p.Item1, p.Item2).Alpha));
    }

    [Fact]
    public async Task RemoveBackground_WhenPerSideCropMarginsPadPastTheEdgeOnAColour_ShouldFillThePaddingWithIt()
    {
        using var client = Client();

        // top 10 px, right 500 px, bottom 20 % of the subject's height, left 0; on red, as JPEG.
        using var response = await client.PostAsync(
            Route, Body(Encoding.UrlEncoded, Coffee, ("size", "full"), ("crop", "true"), ("crop_margin", "10px 500px 20% 0px"), ("bg_color", "f00")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var (width, height) = (Header(response, "X-Foreground-Width"), Header(response, "X-Foreground-Height"));
        Assert.Equal((width + 500, height + 10 + (int)Math.Round(height * 0.2, MidpointRounding.AwayFromZero)), (Header(response, "X-Width"), Header(response, "X-Height")));
        Assert.Equal((0, 10), (Header(response, "X-Foreground-Left"), Header(response, "X-Foreground-Top")));
        using var image = Decode(await response.Content.ReadAsByteArrayAsync());
        foreach (var (x, y) in new[] { (image.Width - 2, 2), (image.Width - 2, image.Height - 2), (image.Width - 250, image.Height / 2) })
        {
            var pixel = image.GetPixel(x, y); // 500 px right of the subject: past the 600 px photo, padded with the colour
            Assert.True(pixel.Red > 230 && pixel.Green < 25 && pixel.Blue < 25, $"({x},{y}) {pixel}");
        }
    }

    [Fact]
    public async Task RemoveBackground_WhenAddShadowIsTrue_ShouldShadowTheSubjectInEveryAnswerButForANonCarType()
    {
        using var client = Client();

        using var plainAnswer = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("format", "png")));
        using var shadowAnswer = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("format", "png"), ("add_shadow", "true")));
        using var onWhiteAnswer = await client.PostAsync(Route, Body(Encoding.Json, Coffee, ("format", "jpg"), ("add_shadow", "true"), ("bg_color", "white")));
        using var zipAnswer = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("format", "zip"), ("add_shadow", "true"), ("shadow_method", "legacy")));
        using var alphaAnswer = await client.PostAsync(Route, Body(Encoding.UrlEncoded, Coffee, ("channels", "alpha"), ("add_shadow", "1")));
        using var personAnswer = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("format", "png"), ("add_shadow", "true"), ("type", "person")));

        Assert.All(new[] { plainAnswer, shadowAnswer, onWhiteAnswer, zipAnswer, alphaAnswer, personAnswer }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        using var plain = Decode(await plainAnswer.Content.ReadAsByteArrayAsync());
        using var shadowed = Decode(await shadowAnswer.Content.ReadAsByteArrayAsync());
        using var person = Decode(await personAnswer.Content.ReadAsByteArrayAsync());

        // The shadow: thousands of pixels that were background now hold it (blur 15 px, 10 px down).
        Assert.InRange(Covered(shadowed) - Covered(plain), 2_000, int.MaxValue);
        Assert.Equal(Covered(plain), Covered(person)); // remove.bg shadows cars only: a person gets none
        Assert.Equal((plain.Width, plain.Height), (person.Width, person.Height));

        // On a colour the shadow falls on it: the JPEG is the shadowed cut-out laid on white.
        Assert.Equal("image/jpeg", onWhiteAnswer.Content.Headers.ContentType?.MediaType);
        using var onWhite = Decode(await onWhiteAnswer.Content.ReadAsByteArrayAsync());
        Assert.Equal((shadowed.Width, shadowed.Height), (onWhite.Width, onWhite.Height));
        Assert.InRange(MeanErrorOnWhite(shadowed, onWhite), 0, 4);

        // The ZIP's matte and the alpha answer are the shadowed answer's alpha, shadow included.
        using var archive = new ZipArchive(new MemoryStream(await zipAnswer.Content.ReadAsByteArrayAsync()));
        using var zipAlpha = SKBitmap.Decode(archive.Entries[1].Open());
        using var alpha = SKBitmap.Decode(await alphaAnswer.Content.ReadAsByteArrayAsync()); // as grey: no conversion to RGBA
        Assert.Equal(SKColorType.Gray8, alpha.ColorType);
        Assert.Equal((shadowed.Width, shadowed.Height), (alpha.Width, alpha.Height));
        for (var y = 0; y < shadowed.Height; y++)
        {
            for (var x = 0; x < shadowed.Width; x++)
            {
                var want = shadowed.GetPixel(x, y).Alpha;
                Assert.Equal(want, zipAlpha.GetPixel(x, y).Red);
                Assert.Equal(want, alpha.GetPixel(x, y).Red);
            }
        }
    }

    [Fact]
    public async Task RemoveBackground_WhenAShadowedSubjectIsCroppedWithPaddingOnAPicture_ShouldLayThePictureUnderAllOfIt()
    {
        using var client = Client();
        using var form = Body(Encoding.Multipart, Coffee, ("size", "full"), ("format", "png"), ("add_shadow", "true"), ("type", "car"), ("crop", "true"), ("crop_margin", "500px"));
        var bg = new ByteArrayContent(TestImages.Encode(30, 20, (_, _) => SKColors.Blue));
        bg.Headers.ContentType = new("image/png");
        ((MultipartFormDataContent)form).Add(bg, "bg_image_file", "bg.png");

        using var response = await client.PostAsync(Route, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("car", Assert.Single(response.Headers.GetValues("X-Type")));
        var (width, height) = (Header(response, "X-Foreground-Width"), Header(response, "X-Foreground-Height")); // the subject with its shadow
        Assert.Equal((width + 1000, height + 1000), (Header(response, "X-Width"), Header(response, "X-Height")));
        using var image = Decode(await response.Content.ReadAsByteArrayAsync());
        foreach (var (x, y) in new[] { (0, 0), (image.Width - 1, image.Height - 1), (image.Width / 2, image.Height - 1) })
        {
            Assert.Equal(new SKColor(0, 0, 255, 255), image.GetPixel(x, y)); // the picture covers the padding past the photo
        }
    }

    private static int Covered(SKBitmap image)
    {
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                count += image.GetPixel(x, y).Alpha > 8 ? 1 : 0;
            }
        }

        return count;
    }

    /// <summary>How far (mean levels per channel) <paramref name="jpeg"/> is from <paramref name="rgba"/> laid over white.</summary>
    private static double MeanErrorOnWhite(SKBitmap rgba, SKBitmap jpeg)
    {
        var error = 0.0;
        for (var y = 0; y < rgba.Height; y++)
        {
            for (var x = 0; x < rgba.Width; x++)
            {
                var (want, got) = (rgba.GetPixel(x, y), jpeg.GetPixel(x, y));
                var a = want.Alpha / 255.0;
                error += Math.Abs((want.Red * a) + (255 * (1 - a)) - got.Red)
                    + Math.Abs((want.Green * a) + (255 * (1 - a)) - got.Green)
                    + Math.Abs((want.Blue * a) + (255 * (1 - a)) - got.Blue);
            }
        }

        return error / (3.0 * rgba.Width * rgba.Height);
    }

    [Fact]
    public async Task RemoveBackground_WhenRoiHoldsNoSubject_ShouldBe400UnknownForegroundAndNotCharge()
    {
        using var client = Client();
        var before = await CreditsTotal(client);

        using var response = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("roi", "0px 0px 4px 4px")));

        await AssertErrors(response, HttpStatusCode.BadRequest, "unknown_foreground");
        Assert.Equal(before, await CreditsTotal(client));
    }

    /// <summary>Every parameter remove.bg refuses, refused with its code before any work, in all three encodings, nothing charged.</summary>
    [Theory]
    [InlineData("size", "huge", "invalid_size")]
    [InlineData("type", "cat", "invalid_type")]
    [InlineData("type_level", "3", "invalid_type_level")]
    [InlineData("format", "gif", "invalid_format")]
    [InlineData("channels", "rgb", "invalid_channels")]
    [InlineData("bg_color", "notacolour", "invalid_bg_color")]
    [InlineData("crop", "maybe", "invalid_crop")]
    [InlineData("crop_margin", "1px 2px 3px", "invalid_crop_margin")]
    [InlineData("crop_margin", "-5px", "invalid_crop_margin")]
    [InlineData("scale", "5%", "invalid_scale")]
    [InlineData("position", "left", "invalid_position")]
    [InlineData("roi", "0 0 10", "invalid_roi")]
    [InlineData("roi", "0px 0px 700px 10px", "roi_exceeds_bounds")]
    [InlineData("roi", "50% 0% 40% 10%", "roi_region_empty")]
    [InlineData("semitransparency", "sometimes", "invalid_semitransparency")]
    [InlineData("add_shadow", "yes please", "invalid_add_shadow")]
    [InlineData("shadow_method", "fancy", "invalid_shadow_method")]
    [InlineData("bg_image_url", "ftp://example.com/x.png", "invalid_bg_image_url")]
    [InlineData("image_url", "http://example.com/x.png", "multiple_sources")]
    public async Task RemoveBackground_WhenAParameterIsInvalid_ShouldBe400WithRemoveBgsCodeAndNotCharge(string field, string value, string code)
    {
        using var client = Client();
        var before = await CreditsTotal(client);

        foreach (var encoding in Enum.GetValues<Encoding>())
        {
            using var response = await client.PostAsync(Route, Body(encoding, Coffee, (field, value)));
            await AssertErrors(response, HttpStatusCode.BadRequest, code);
        }

        Assert.Equal(before, await CreditsTotal(client));
    }

    [Theory]
    [InlineData(Encoding.Multipart)]
    [InlineData(Encoding.UrlEncoded)]
    [InlineData(Encoding.Json)]
    public async Task RemoveBackground_WhenTheImageIsMissingBrokenOrDoubled_ShouldBe400AndNotCharge(Encoding encoding)
    {
        using var client = Client();
        var before = await CreditsTotal(client);

        using var none = await client.PostAsync(Route, Body(encoding, null, ("size", "full")));
        using var badBase64 = await client.PostAsync(Route, Body(encoding, null, ("image_file_b64", "not*base64!")));
        using var notAnImage = await client.PostAsync(Route, Body(encoding, null, ("image_file_b64", Convert.ToBase64String("hello, not a picture"u8.ToArray()))));
        using var badUrl = await client.PostAsync(Route, Body(encoding, null, ("image_url", "not a url")));
        using var twoBackgrounds = await client.PostAsync(Route, Body(encoding, Coffee, ("bg_color", "fff"), ("bg_image_url", "http://example.com/bg.png")));

        await AssertErrors(none, HttpStatusCode.BadRequest, "missing_source");
        await AssertErrors(badBase64, HttpStatusCode.BadRequest, "failed_to_read_image");
        await AssertErrors(notAnImage, HttpStatusCode.BadRequest, "failed_to_read_image");
        await AssertErrors(badUrl, HttpStatusCode.BadRequest, "invalid_image_url");
        await AssertErrors(twoBackgrounds, HttpStatusCode.BadRequest, "multiple_bg_sources");
        Assert.Equal(before, await CreditsTotal(client));
    }

    [Fact]
    public async Task RemoveBackground_WhenSeveralParametersAreInvalid_ShouldNameEveryOne()
    {
        using var client = Client();

        using var response = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee, ("size", "x"), ("format", "y"), ("scale", "z")));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(
            ["invalid_size", "invalid_format", "invalid_scale"],
            json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fh_live_NotAKeyThisServerKnows000000000000")]
    [InlineData("malformed")]
    public async Task RemoveBgRoutes_WhenTheKeyIsMissingOrUnknown_ShouldBe403AuthFailed(string? key)
    {
        using var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        using var removal = await client.PostAsync(Route, Body(Encoding.Multipart, Coffee));
        using var account = await client.GetAsync("/v1.0/account");

        await AssertErrors(removal, HttpStatusCode.Forbidden, "auth_failed");
        await AssertErrors(account, HttpStatusCode.Forbidden, "auth_failed");
    }

    [Fact]
    public async Task RemoveBgRoutes_WhenFapiHubsHeaderCarriesTheKey_ShouldStillBe403()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("ApiKey", FapiHubFactory.ApiKey); // FapiHub's header, not remove.bg's

        using var response = await client.GetAsync("/v1.0/account");

        await AssertErrors(response, HttpStatusCode.Forbidden, "auth_failed");
    }

    [Fact]
    public async Task RemoveBackground_WhenTheBodyIsOverTheBodyLimit_ShouldBe400FileTooLargeAsRemoveBgAnswers()
    {
        using var client = Client();
        using var content = new ByteArrayContent(new byte[15 * 1024 * 1024]); // over base64's room for a 10 MiB image (14,920,365 bytes)
        content.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync(Route, content);

        await AssertErrors(response, HttpStatusCode.BadRequest, "file_too_large");
    }

    [Theory]
    [InlineData("text/plain", "hello")]
    [InlineData("application/json", "{\"image_file_b64\":")]
    [InlineData("application/json", "[1, 2]")]
    public async Task RemoveBackground_WhenTheBodyIsNoneOfTheThreeEncodings_ShouldBe400MissingSource(string contentType, string body)
    {
        using var client = Client();

        using var response = await client.PostAsync(Route, new StringContent(body, System.Text.Encoding.UTF8, contentType));

        await AssertErrors(response, HttpStatusCode.BadRequest, "missing_source");
    }

    [Fact]
    public async Task V1Routes_WhenThePathIsUnknown_ShouldAnswer404InRemoveBgsShape()
    {
        using var client = Client();

        using var response = await client.GetAsync("/v1.0/nothing-here");

        await AssertErrors(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Account_WhenCalled_ShouldAnswerRemoveBgsShapeFromThePlansQuota()
    {
        using var client = Client();

        using var response = await client.GetAsync("/v1.0/account");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var attributes = json.RootElement.GetProperty("data").GetProperty("attributes");
        var credits = attributes.GetProperty("credits");
        Assert.Equal(credits.GetProperty("total").GetDouble(), credits.GetProperty("subscription").GetDouble() + credits.GetProperty("payg").GetDouble());
        Assert.InRange(credits.GetProperty("subscription").GetDouble(), 1, 7500); // the pro plan's monthly quota, less what was used
        Assert.Equal(0, credits.GetProperty("enterprise").GetDouble());
        Assert.Equal(0, attributes.GetProperty("api").GetProperty("free_calls").GetInt32());
        Assert.Equal("all", attributes.GetProperty("api").GetProperty("sizes").GetString());
    }

    [Fact]
    public async Task Rembg_WhenASubjectIsFound_ShouldAlsoSendTheForegroundBoxHeaders()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Coffee, "coffee.png"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(
            new[] { "X-Foreground-Top", "X-Foreground-Left", "X-Foreground-Width", "X-Foreground-Height" },
            name => Assert.Single(response.Headers.GetValues(name)));
        Assert.InRange(Header(response, "X-Foreground-Left") + Header(response, "X-Foreground-Width"), 1, 600);
    }
}
