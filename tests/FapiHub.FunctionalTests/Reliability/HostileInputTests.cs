using System.Net;
using System.Text;
using FapiHub.FunctionalTests.Accounts;
using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>Every limit and hostile upload: the exact status and code, and not one credit charged.</summary>
public sealed class HostileInputTests : ReliabilityHostTests
{
    private static readonly byte[] Png = TestImages.Encode(24, 16, (x, _) => x < 12 ? SKColors.Teal : SKColors.Wheat);

    public static TheoryData<string, Func<byte[]>, string, HttpStatusCode, string> Cases => new()
    {
        { "decompression bomb (50,000² PNG header)", () => TestImages.PngHeaderOnly(50_000, 50_000), "image/png", HttpStatusCode.BadRequest, "image_too_large" },
        { "truncated JPEG", () => Truncated(TestImages.Encode(64, 64, (x, y) => new SKColor((byte)x, (byte)y, 9), SKEncodedImageFormat.Jpeg)), "image/jpeg", HttpStatusCode.BadRequest, "invalid_image" },
        { "corrupted PNG (data bytes flipped)", () => Corrupted(TestImages.Encode(64, 64, (x, y) => new SKColor((byte)x, (byte)y, 9))), "image/png", HttpStatusCode.BadRequest, "invalid_image" },
        { "zero-byte file", () => [], "image/png", HttpStatusCode.BadRequest, "invalid_request" },
        { "polyglot: a 1×1 GIF header on an HTML/JS payload", () => [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0, .. "<html><script>alert(1)</script>"u8], "image/gif", HttpStatusCode.BadRequest, "invalid_image" },
        { "polyglot: GIF header whose size is really '/*<h' (10,799 × 26,684)", () => Encoding.ASCII.GetBytes("GIF89a/*<html><script>alert(1)</script>*/"), "image/gif", HttpStatusCode.BadRequest, "image_too_large" },
        { "text labelled as a PNG", () => Encoding.UTF8.GetBytes("definitely not a picture"), "image/png", HttpStatusCode.BadRequest, "invalid_image" },
        { "an accepted decoder's format we refuse (ICO)", () => [0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0, 48, 0, 0, 0, 22, 0, 0, 0], "image/x-icon", HttpStatusCode.BadRequest, "invalid_image" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_WhenTheUploadIsHostile_ShouldAnswerItsCodeAndChargeNothing(
        string name, Func<byte[]> upload, string mediaType, HttpStatusCode status, string code)
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(upload(), "upload", mediaType: mediaType));

        Assert.False(string.IsNullOrEmpty(name));
        await Http.AssertEnvelope(response, status, code);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    /// <summary>Issue 25, items 8 and 9: libjpeg decodes these "successfully" (grey filler), and the thin PNG had no reason.</summary>
    public static TheoryData<string, Func<byte[]>, string> IncompleteCases => new()
    {
        { "a 2000×1500 JPEG cut at 30 % with an end marker appended", () => [.. Photo(2000, 1500)[..(Photo(2000, 1500).Length * 3 / 10)], 0xFF, 0xD9], "the JPEG data ends before the last row" },
        { "a 512² JPEG whose header claims 5000×5000", () => ClaimingSize(Photo(512, 512), 5000, 5000), "the JPEG data ends before the last row" },
        { "a complete 1×25,000,000 PNG (within the pixel limit)", () => TestImages.OnePixelWidePng(25_000_000), "the PNG is 1x25000000 pixels, and the PNG decoder reads at most 1000000 pixels per side" },
    };

    [Theory]
    [MemberData(nameof(IncompleteCases))]
    public async Task Post_WhenTheImageCannotBeDecodedInFull_ShouldBe400InvalidImageWithTheReasonUncharged(string name, Func<byte[]> upload, string reason)
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(upload(), "upload", mediaType: "application/octet-stream"));

        Assert.False(string.IsNullOrEmpty(name));
        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_image");
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenAJpegIsCompleteButEndsInMidGreyRows_ShouldBeServed()
    {
        var host = Host();
        using var client = await PayingClient(host);
        var greyFooter = TestImages.Encode(320, 240, (x, y) => y >= 160 ? new SKColor(128, 128, 128) : new SKColor((byte)x, (byte)y, 60), SKEncodedImageFormat.Jpeg);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(greyFooter, "footer.jpg", mediaType: "image/jpeg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StartingCredits - 1, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenAPictureIsOverTheConfiguredPixelLimit_ShouldBe400ImageTooLargeUncharged()
    {
        var host = Host(("Limits:MaxPixels", "300"));
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png)); // 24 × 16 = 384 pixels

        await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "image_too_large");
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenTheBodyIsOverTheUploadLimit_ShouldBe413FileTooLargeUncharged()
    {
        var host = Host(("Limits:MaxUploadBytes", "100000"));
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(new byte[200_000], "big.png"));

        await Http.AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenTheBodyIsNotMultipart_ShouldBe415Uncharged()
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", new ByteArrayContent(Png) { Headers = { { "Content-Type", "image/png" } } });

        await Http.AssertEnvelope(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenAValidImageCarriesATrailingPayload_ShouldServeAReEncodedImageWithoutIt()
    {
        var host = Host();
        using var client = await PayingClient(host);
        var payload = Encoding.ASCII.GetBytes("PK\u0003\u0004<script>stolen()</script>");

        using var response = await client.PostAsync("/v2/rembg/", Http.Form([.. Png, .. payload], "polyglot.png"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(-1, body.AsSpan().IndexOf(payload.AsSpan(4)));
        Assert.Equal(StartingCredits - 1, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenARealPictureIsMislabelled_ShouldBeJudgedByItsContent()
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png, "photo.jpg", mediaType: "image/jpeg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Post_WhenInferenceExceedsTheTimeout_ShouldBe503TimeoutUncharged()
    {
        var host = Host(("Inference:TimeoutSeconds", "1"));
        using var client = await PayingClient(host);
        var hanging = TestImages.Encode(AccountsHost.HangingWidth, 8, (_, _) => SKColors.Gray);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(hanging));

        await Http.AssertEnvelope(response, HttpStatusCode.ServiceUnavailable, "timeout");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task Post_WhenEverySlotAndQueuePlaceIsTaken_ShouldAnswer503ServerBusyFastAndUncharged()
    {
        // The first request is held in the model, so it holds the only place for as long as the test needs rather
        // than for the 1.5 s a slow fake model took, with a sleep guessing when it had got in.
        var gates = new PipelineGates { HoldAt = PipelineGates.Model };
        var host = Host(null, gates.Install, ("Inference:MaxConcurrency", "1"), ("Inference:MaxQueue", "0"));
        using var client = await PayingClient(host);

        var first = client.PostAsync("/v2/rembg/", Http.Form(Png));
        await gates.Entered.WaitAsync(TimeSpan.FromSeconds(15));
        using var refused = await client.PostAsync("/v2/rembg/", Http.Form(Png));
        gates.Release();
        using var served = await first;

        await Http.AssertEnvelope(refused, HttpStatusCode.ServiceUnavailable, "server_busy");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(StartingCredits - 1, await Credits(client));
    }

    private static readonly Dictionary<(int, int), byte[]> Photos = [];

    /// <summary>A noisy photo-like JPEG (so the data is not all in the first rows), made once per size.</summary>
    private static byte[] Photo(int width, int height)
    {
        lock (Photos)
        {
            if (!Photos.TryGetValue((width, height), out var jpeg))
            {
                Photos[(width, height)] = jpeg = TestImages.Encode(
                    width, height, (x, y) => new SKColor((byte)((x * 7) ^ (y * 3)), (byte)(y + (x % 13)), (byte)(x + y)), SKEncodedImageFormat.Jpeg, 90);
            }

            return jpeg;
        }
    }

    /// <summary>The JPEG with its frame header (SOF0/SOF2) rewritten to claim another size; the data is unchanged.</summary>
    private static byte[] ClaimingSize(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        var sof = copy.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        sof = sof >= 0 ? sof : copy.AsSpan().IndexOf([(byte)0xFF, (byte)0xC2]);
        Assert.True(sof > 0, "no frame header");
        copy[sof + 5] = (byte)(height >> 8);
        copy[sof + 6] = (byte)height;
        copy[sof + 7] = (byte)(width >> 8);
        copy[sof + 8] = (byte)width;
        return copy;
    }

    private static byte[] Truncated(byte[] bytes) => bytes[..(bytes.Length / 2)];

    private static byte[] Corrupted(byte[] png)
    {
        var copy = (byte[])png.Clone();
        var idat = copy.AsSpan().IndexOf("IDAT"u8);
        for (var i = idat + 8; i < Math.Min(copy.Length - 16, idat + 200); i++)
        {
            copy[i] ^= 0x5A;
        }

        return copy;
    }
}
