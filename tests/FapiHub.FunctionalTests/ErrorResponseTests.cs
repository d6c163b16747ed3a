using System.Net;
using System.Text;
using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests;

/// <summary>
/// Every way a request can be wrong gets the exact status and code in the envelope, never a 500. None of these
/// reaches the model (they are rejected before inference), which also keeps this class fast.
/// </summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class ErrorResponseTests(FapiHubFactory factory)
{
    private static readonly byte[] Png = TestImages.Encode(8, 8, (_, _) => SkiaSharp.SKColors.Green);

    [Theory]
    [InlineData("/v2/rembg/")]
    [InlineData("/v2/rembg/mask")]
    public async Task Post_WhenApiKeyIsMissing_ShouldBe401InvalidApiKey(string path)
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(path, Http.Form(Png));

        await Http.AssertEnvelope(response, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task Post_WhenApiKeyIsWrong_ShouldBe401InvalidApiKey()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("ApiKey", "fh_live_NotAKeyThisServerKnows000000000000");

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png));

        await Http.AssertEnvelope(response, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Theory]
    [InlineData("/v2/rembg/")]
    [InlineData("/v2/rembg")]
    [InlineData("/v2/rembg/mask/")]
    public async Task Post_WhenImageFieldIsMissing_ShouldBe400InvalidRequestNamingTheField(string path)
    {
        using var client = factory.CreateAuthenticatedClient();
        using var form = new MultipartFormDataContent { { new StringContent("falcon"), "model" } };

        using var response = await client.PostAsync(path, form);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'image'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhenImageIsATextFile_ShouldBe400InvalidImage()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync(
            "/v2/rembg/", Http.Form(Encoding.UTF8.GetBytes("this is not a picture\n"), "notes.txt", mediaType: "text/plain"));

        await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_image");
    }

    [Fact]
    public async Task Post_WhenJpegIsTruncated_ShouldBe400InvalidImage()
    {
        using var client = factory.CreateAuthenticatedClient();
        var truncated = await File.ReadAllBytesAsync(Http.Fixture("truncated.jpg"));

        using var response = await client.PostAsync("/v2/rembg/mask/", Http.Form(truncated, "truncated.jpg", mediaType: "image/jpeg"));

        await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_image");
    }

    [Fact]
    public async Task Post_WhenImageIsAnEmptyFile_ShouldBe400InvalidRequest()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync("/v2/rembg/", Http.Form([], "empty.png"));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'image'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhenModelIsUnknown_ShouldBe400InvalidRequestListingTheModels()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png, model: "phantom"));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'model'", message, StringComparison.Ordinal);
        Assert.Contains("aurora, falcon, ghost", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhenImageDeclaresFiftyThousandSquaredPixels_ShouldBe400ImageTooLargeWithoutDecoding()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(TestImages.PngHeaderOnly(50_000, 50_000), "bomb.png"));

        await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "image_too_large");
    }

    [Fact]
    public async Task Post_WhenBodyExceedsTheUploadLimit_ShouldBe413FileTooLarge()
    {
        using var client = factory.CreateAuthenticatedClient();
        var eleven = new byte[11 * 1024 * 1024];

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(eleven, "huge.png"));

        await Http.AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
    }

    [Fact]
    public async Task Post_WhenAChunkedBodyExceedsTheUploadLimit_ShouldBe413FileTooLarge()
    {
        using var client = factory.CreateAuthenticatedClient();
        using var chunked = Http.Chunked(Http.Form(new byte[20 * 1024 * 1024], "huge.png"));

        using var response = await client.PostAsync("/v2/rembg/", chunked);

        await Http.AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
    }

    [Fact]
    public async Task Post_WhenAChunkedBodyIsWithinTheLimit_ShouldStillBeRead()
    {
        using var client = factory.CreateAuthenticatedClient();
        using var chunked = Http.Chunked(Http.Form(Png).With(("radius", "0")));

        using var response = await client.PostAsync("/v2/rembg/blur/", chunked);

        // Read in full and validated: the radius is what is wrong, not the size.
        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'radius'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/rembg/")]
    [InlineData("/v2/rembg/shadow/")]
    public async Task Post_WhenContentTypeIsMissing_ShouldBe415UnsupportedMediaType(string path)
    {
        using var client = factory.CreateAuthenticatedClient();
        using var body = new ByteArrayContent(Png);

        using var response = await client.PostAsync(path, body);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("multipart/form-data", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhenBodyIsJson_ShouldBe415UnsupportedMediaType()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync("/v2/rembg/", new StringContent("{\"image\":\"...\"}", Encoding.UTF8, "application/json"));

        await Http.AssertEnvelope(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Post_WhenTwoFieldsAreInvalid_ShouldBe400ReportingBothInOneEnvelope()
    {
        using var client = factory.CreateAuthenticatedClient();
        using var form = Http.Form(Png).With(("top_color", "#12345"), ("bottom_color", "nope"));

        using var response = await client.PostAsync("/v2/rembg/gradient/", form);

        // message stays the first field's (what a client reading one message already saw); errors lists every field.
        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = json.RootElement.GetProperty("error").GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(["top_color", "bottom_color"], errors.Select(e => e.GetProperty("field").GetString()));
        Assert.Equal(message, errors[0].GetProperty("message").GetString());
        Assert.Contains("'nope'", errors[1].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhenTwoFieldsDoNotBind_ShouldBe400ReportingBothInOneEnvelope()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var both = await client.PostAsync("/v2/rembg/blur/", Http.Form(Png).With(("radius", "abc"), ("crop", "maybe")));

        // Model binding (an integer or boolean that does not read) follows the rule of the mapping's own checks (ADR 14):
        // code and message are the first field's, errors lists every field.
        var message = await Http.AssertEnvelope(both, HttpStatusCode.BadRequest, "invalid_request");
        using var json = System.Text.Json.JsonDocument.Parse(await both.Content.ReadAsStringAsync());
        var errors = json.RootElement.GetProperty("error").GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(["crop", "radius"], errors.Select(e => e.GetProperty("field").GetString()).Order());
        Assert.Equal(message, errors[0].GetProperty("message").GetString());
        Assert.Contains(errors, e => e.GetProperty("message").GetString() == "Field 'radius' must be a whole number in decimal digits with an optional sign, such as 12 or -3 (no spaces, no 0x); was 'abc'.");
        Assert.Contains(errors, e => e.GetProperty("message").GetString() == "Field 'crop' must be true or false; was 'maybe'.");

        // One field that does not bind answers exactly as before: its message, no list.
        using var one = await client.PostAsync("/v2/rembg/blur/", Http.Form(Png).With(("radius", "abc")));
        var alone = await Http.AssertEnvelope(one, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("Field 'radius' must be a whole number in decimal digits with an optional sign, such as 12 or -3 (no spaces, no 0x); was 'abc'.", alone);
        using var oneJson = System.Text.Json.JsonDocument.Parse(await one.Content.ReadAsStringAsync());
        Assert.False(oneJson.RootElement.GetProperty("error").TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Post_WhenOneFieldIsInvalid_ShouldBe400WithoutAnErrorsList()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync("/v2/rembg/blur/", Http.Form(Png).With(("radius", "0")));

        await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.GetProperty("error").TryGetProperty("errors", out _));
    }

    [Theory]
    [InlineData("/v2/rembg/blur/", "radius", "0")]
    [InlineData("/v2/rembg/blur/", "radius", "51")]
    [InlineData("/v2/rembg/blur", "radius", "abc")]
    [InlineData("/v2/rembg/color/", "bgcolor", "orange-ish")]
    [InlineData("/v2/rembg/gradient/", "top_color", "#12345")]
    [InlineData("/v2/rembg/shadow/", "blur_radius", "101")]
    [InlineData("/v2/rembg/shadow/", "shadow_color", "0,0,0,300")]
    [InlineData("/v2/rembg/", "format", "jpg")]
    [InlineData("/v2/rembg/", "format", "tiff")]
    [InlineData("/v2/rembg/mask/", "quality", "0")]
    [InlineData("/v2/rembg/color", "crop_margin", "-5")]
    public async Task Post_WhenAnEffectOrOutputFieldIsInvalid_ShouldBe400NamingTheField(string path, string field, string value)
    {
        using var client = factory.CreateAuthenticatedClient();
        using var form = Http.Form(Png).With((field, value));
        if (path.Contains("/color", StringComparison.Ordinal) && field != "bgcolor")
        {
            form.With(("bgcolor", "#ffffff"));
        }

        if (path.Contains("/gradient", StringComparison.Ordinal))
        {
            form.With(("bottom_color", "#000000"));
        }

        using var response = await client.PostAsync(path, form);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/rembg/blur/", "radius")]
    [InlineData("/v2/rembg/color/", "bgcolor")]
    [InlineData("/v2/rembg/gradient/", "top_color")]
    public async Task Post_WhenARequiredEffectFieldIsMissing_ShouldBe400NamingTheField(string path, string field)
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync(path, Http.Form(Png));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/nothing-here")]
    [InlineData("/v1/rembg/")]
    [InlineData("/v2/rembg/unknown/")]
    public async Task Post_WhenPathIsUnknown_ShouldBe404NotFound(string path)
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync(path, Http.Form(Png));

        await Http.AssertEnvelope(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Get_WhenEndpointOnlyAcceptsPost_ShouldBe405MethodNotAllowed()
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.GetAsync("/v2/rembg/");

        await Http.AssertEnvelope(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
