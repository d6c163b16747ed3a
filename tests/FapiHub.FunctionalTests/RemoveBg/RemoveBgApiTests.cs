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
        var left = Header(response, "X-Foreground-Left");
        var top = Header(response, "X-Foreground-Top");
        Assert.True(left is 0 or 5 && top is 0 or 5, $"margin {left},{top}"); // 5 px, or less where the photo ends
        Assert.InRange(Header(response, "X-Width") - Header(response, "X-Foreground-Width") - left, 0, 5);
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
