using System.Net;
using System.Net.Http.Headers;
using FapiHub.FunctionalTests.Accounts;
using FapiHub.FunctionalTests.Reliability;
using FapiHub.Tests.Shared;
using SkiaSharp;
using static FapiHub.FunctionalTests.RemoveBg.RemoveBgClient;

namespace FapiHub.FunctionalTests.RemoveBg;

/// <summary>
/// The edges of remove.bg's protocol on the real application with the instant fake model: how large a body and an
/// image may be when base64 carries it, and which code a file that is no usable image gets on each protocol.
/// </summary>
public sealed class RemoveBgEdgeTests : ReliabilityHostTests
{
    /// <summary>A noisy PNG (it hardly compresses): large enough that its base64 body is over the plain upload limit.</summary>
    private static readonly byte[] Photo = NoisyPng(300, 300);

    private AccountsHost LimitedHost() => Host(("Limits:MaxUploadBytes", Photo.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<HttpClient> RemoveBgClient(AccountsHost host)
    {
        var client = await PayingClient(host); // ApiKey, for /v2/usage's balance
        client.DefaultRequestHeaders.Add("X-Api-Key", client.DefaultRequestHeaders.GetValues("ApiKey").Single());
        return client;
    }

    [Theory]
    [InlineData(Encoding.Json)]
    [InlineData(Encoding.UrlEncoded)]
    [InlineData(null)] // multipart, the base64 in a text field
    public async Task RemoveBackground_WhenABase64ImageIsExactlyAtTheUploadLimit_ShouldBeProcessedAndChargedOne(Encoding? encoding)
    {
        var host = LimitedHost();
        using var client = await RemoveBgClient(host);
        Assert.True(Photo.Length * 4 / 3 > Photo.Length + 64 * 1024, "the base64 body must be over the plain upload body limit to prove anything");

        using var response = await client.PostAsync(Route, Base64Body(encoding, Photo));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, Header(response, "X-Credits-Charged"));
        Assert.Equal(StartingCredits - 1, await Credits(client));
    }

    [Theory]
    [InlineData(Encoding.Json)]
    [InlineData(Encoding.UrlEncoded)]
    [InlineData(Encoding.Multipart)] // the file itself
    [InlineData(null)] // multipart, the base64 in a text field
    public async Task RemoveBackground_WhenTheImageIsOneByteOverTheUploadLimit_ShouldBe400FileTooLargeAndNotCharge(Encoding? encoding)
    {
        var host = LimitedHost();
        using var client = await RemoveBgClient(host);
        byte[] over = [.. Photo, 0]; // one byte past IEND: still a valid PNG, one byte too many

        using var response = await client.PostAsync(Route, encoding == Encoding.Multipart ? Body(Encoding.Multipart, over) : Base64Body(encoding, over));

        await AssertErrors(response, HttpStatusCode.BadRequest, "file_too_large");
        Assert.Contains($"the limit is {Photo.Length} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task RemoveBackground_WhenTheBodyIsOverRemoveBgsBodyLimit_ShouldBe400FileTooLargeBeforeReadingIt()
    {
        var host = LimitedHost();
        using var client = await RemoveBgClient(host);
        var limit = 4 * ((Photo.Length + 2) / 3);
        limit += (limit / 16) + 64 * 1024;
        using var content = new ByteArrayContent(new byte[limit + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(Route, content);

        await AssertErrors(response, HttpStatusCode.BadRequest, "file_too_large");
        Assert.Contains($"limit of {limit} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task Rembg_WhenTheBodyIsOverTheUploadLimitButWithinRemoveBgs_ShouldStillBe413()
    {
        var host = LimitedHost();
        using var client = await RemoveBgClient(host);
        var body = new byte[Photo.Length + (96 * 1024)]; // over FapiHub's upload body limit, under remove.bg's

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(body));

        await Http.AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
    }

    /// <summary>
    /// A file type the API does not take and a damaged file are told apart by the decoder's typed reason: remove.bg's
    /// two codes on /v1.0, FapiHub's one code with its unchanged message on /v2, nothing charged on either.
    /// </summary>
    [Theory]
    [InlineData("ico", "invalid_file_type", "ICO files are not accepted")]
    [InlineData("tiff", "invalid_file_type", "TIFF files are not accepted")]
    [InlineData("truncated", "failed_to_read_image", "the JPEG header is damaged or incomplete")]
    [InlineData("text", "failed_to_read_image", "the data is not a JPEG, PNG, WebP, BMP or GIF file (its first bytes match none of them)")]
    public async Task Upload_WhenTheFileIsNoUsableImage_ShouldAnswerEachProtocolsCodeAndNotCharge(string kind, string removeBgCode, string reason)
    {
        var host = Host();
        using var client = await RemoveBgClient(host);
        var file = kind switch
        {
            "ico" => new byte[] { 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0, 48, 0, 0, 0, 22, 0, 0, 0 },
            "tiff" => "II*\0 not really a tiff"u8.ToArray(),
            "truncated" => File.ReadAllBytes(Http.Fixture("truncated.jpg")),
            _ => "hello, not a picture"u8.ToArray(),
        };

        using var removeBg = await client.PostAsync(Route, Body(Encoding.Multipart, file));
        using var removeBgBackground = await client.PostAsync(Route, WithBackground(Body(Encoding.Multipart, Photo), file));
        using var fapiHub = await client.PostAsync("/v2/rembg/", Http.Form(file));

        await AssertErrors(removeBg, HttpStatusCode.BadRequest, removeBgCode);
        await AssertErrors(removeBgBackground, HttpStatusCode.BadRequest, removeBgCode);
        var message = await Http.AssertEnvelope(fapiHub, HttpStatusCode.BadRequest, "invalid_image");
        Assert.Equal($"The field 'image' is not a decodable image: {reason}. Send a complete JPEG, PNG, WebP, BMP or GIF file.", message);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    private static HttpContent WithBackground(HttpContent form, byte[] picture)
    {
        var file = new ByteArrayContent(picture);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        ((MultipartFormDataContent)form).Add(file, "bg_image_file", "bg.png");
        return form;
    }

    /// <summary>The image as base64 in <paramref name="encoding"/>, or (null) in a multipart form's text field, as some SDKs send it.</summary>
    private static HttpContent Base64Body(Encoding? encoding, byte[] image)
    {
        if (encoding is { } text)
        {
            return Body(text, image);
        }

        var form = new MultipartFormDataContent
        {
            { new StringContent("data:image/png;base64," + Convert.ToBase64String(image)), "image_file_b64" },
        };
        return form;
    }

    private static byte[] NoisyPng(int width, int height)
    {
        var random = new Random(21);
        return TestImages.Encode(width, height, (_, _) => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
    }
}
