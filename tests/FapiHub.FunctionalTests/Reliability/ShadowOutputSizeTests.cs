using System.Diagnostics;
using System.Net;
using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// Issue 13, item 1: <c>/v2/rembg/shadow/</c> grows the canvas with the offsets and blur, and the grown canvas is held
/// to <c>Limits:MaxPixels</c> like the upload, from the header, before the photo waits for a turn or is decoded.
/// </summary>
public sealed class ShadowOutputSizeTests : ReliabilityHostTests
{
    [Fact]
    public async Task PostShadow_WhenTheIssueReproGrowsAThinStripPastThePixelLimit_ShouldBe400ImageTooLargeFastAndUncharged()
    {
        // The exact repro: a 4 × 300,000 PNG (1.2 MP, inside the default 25 MP) whose shadow asks for 1304 × 301,300
        // (393 MP). It used to answer 200 after 29 s at 7.95 GB peak RSS.
        var strip = TestImages.ThinStrip(4, 300_000);
        var host = Host();
        using var client = await PayingClient(host);

        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync("/v2/rembg/shadow/", Shadow(strip, "-1000", "1000", "100"));
        clock.Stop();

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "image_too_large");
        Assert.StartsWith("Field 'offset_x':", message, StringComparison.Ordinal);
        Assert.Contains("offset_x=-1000, offset_y=1000 and blur_radius=100", message, StringComparison.Ordinal);
        Assert.Contains("4x300000", message, StringComparison.Ordinal);
        Assert.Contains("1304x301300", message, StringComparison.Ordinal);
        Assert.Contains("25000000", message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}"); // a header read, not a 393 MP canvas
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task PostShadow_WhenTheCanvasWouldOverflowAnIntBuffer_ShouldBe400ImageTooLargeNot500()
    {
        // 4 × 1,000,000: 1304 × 1,001,300 × 4 bytes used to overflow in the RgbaImage constructor (a 500).
        var strip = TestImages.ThinStrip(4, 1_000_000);
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/shadow/", Shadow(strip, "-1000", "1000", "100"));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "image_too_large");
        Assert.Contains("1304x1001300", message, StringComparison.Ordinal);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task PostShadow_WhenTheGrownCanvasFitsTheLimit_ShouldServeExactlyTheCanvasTheRuleAllows()
    {
        // The fake model calls the whole strip subject, so the canvas is the largest the rule allows: 1304 × 4300.
        var strip = TestImages.ThinStrip(4, 3_000);
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/shadow/", Shadow(strip, "-1000", "1000", "100"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (width, height, _, _) = TestImages.PngHeader(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((1304, 4300), (width, height));
        Assert.Equal(StartingCredits - 1, await Credits(client));
    }

    [Fact]
    public async Task PostShadow_WhenAnOffsetIsIntMinValue_ShouldBe400InvalidRequestNamingItNot500()
    {
        // Found by the output-size fuzz: -2147483648 binds to an int, and Math.Abs of it threw inside validation.
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/shadow/", Shadow(TestImages.ThinStrip(4, 40), "-2147483648", "10", "15"));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'offset_x'", message, StringComparison.Ordinal);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    private static MultipartFormDataContent Shadow(byte[] image, string offsetX, string offsetY, string blurRadius) =>
        Http.Form(image, "s.png").With(("offset_x", offsetX), ("offset_y", offsetY), ("blur_radius", blurRadius));
}
