using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>
/// The demo page at <c>/</c> in a real browser against a real Kestrel server: what a person does with it (key,
/// photo, endpoint, submit), what they see (result at the input's size, headers, the envelope's message on errors),
/// and that it is usable by keyboard and screen reader and loads nothing from other origins.
/// </summary>
[Trait("Category", "External")] // Drives Debian's chromium through Playwright: outside the fast loop.
public sealed partial class DemoPageTests(ChromiumBrowser chromium, KestrelServer server)
    : IClassFixture<ChromiumBrowser>, IClassFixture<KestrelServer>
{
    private const string Photo = "chelsea.png"; // 451×300 RGB

    [Fact]
    public async Task DemoPage_WhenAValidKeyAndAPhotoAreGiven_ShouldShowTheCutoutAtTheInputSize()
    {
        var (_, key) = await server.Host.CreateKeyAsync("payg", 5);
        await using var demo = await DemoPage.OpenAsync(chromium.Browser, server.BaseUrl);

        await demo.SubmitAsync(key, Http.Fixture(Photo));

        Assert.Equal((451, 300), await demo.WaitForResultSizeAsync());
        await Assertions.Expect(demo.Page.Locator("#result-size")).ToHaveTextAsync("451 × 300");
        await Assertions.Expect(demo.Header("X-Request-Id")).ToHaveTextAsync(RequestIdPattern());
        await Assertions.Expect(demo.Header("X-Credits-Remaining")).ToHaveTextAsync("4");
        var download = demo.Page.GetByRole(AriaRole.Link, new() { Name = "Download the result" });
        await Assertions.Expect(download).ToHaveAttributeAsync("download", "chelsea-cutout.png");
        await Assertions.Expect(download).ToHaveAttributeAsync("href", BlobUrlPattern());
        await Assertions.Expect(demo.Page.Locator("#error")).ToBeEmptyAsync();

        // The key lives in this tab's session storage and nowhere else.
        Assert.Equal(key, await demo.Page.EvaluateAsync<string>("() => sessionStorage.getItem('fapihub.apiKey')"));
        Assert.Equal(0, await demo.Page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Empty(await demo.Context.CookiesAsync());

        await demo.ScreenshotAsync("demo-cutout.png");
        demo.AssertHealthy(server.BaseUrl);
    }

    [Fact]
    public async Task DemoPage_WhenTheKeyIsWrong_ShouldShowTheInvalidApiKeyMessage()
    {
        const string wrongKey = "fh_live_ThisKeyDoesNotExist00000000000000000";
        var expected = await server.UnauthorizedMessageAsync(wrongKey);
        await using var demo = await DemoPage.OpenAsync(chromium.Browser, server.BaseUrl);

        await demo.SubmitAsync(wrongKey, Http.Fixture(Photo));

        var error = demo.Page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(error).ToContainTextAsync("401 invalid_api_key");
        await Assertions.Expect(error).ToContainTextAsync(expected);
        await Assertions.Expect(demo.Page.Locator("#result")).ToBeHiddenAsync();
        await Assertions.Expect(demo.Header("X-Request-Id")).ToHaveTextAsync(RequestIdPattern());
        await demo.ScreenshotAsync("demo-401.png");
        demo.AssertHealthy(server.BaseUrl);
    }

    [Fact]
    public async Task DemoPage_WhenThePerMinuteLimitIsReached_ShouldShowTheWaitFromRetryAfter()
    {
        var (_, key) = await server.Host.CreateKeyAsync(KestrelServer.OnePerMinutePlan);
        await using var demo = await DemoPage.OpenAsync(chromium.Browser, server.BaseUrl);
        await demo.SubmitAsync(key, Http.Fixture(Photo));
        await demo.WaitForResultSizeAsync();

        await demo.Page.GetByRole(AriaRole.Button, new() { Name = "Remove background" }).ClickAsync();

        var error = demo.Page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(error).ToContainTextAsync("429 rate_limit_exceeded");
        await Assertions.Expect(error).ToContainTextAsync(WaitPattern());
        await Assertions.Expect(demo.Header("Retry-After")).ToHaveTextAsync(SecondsPattern());
        demo.AssertHealthy(server.BaseUrl);
    }

    [Fact]
    public async Task DemoPage_WhenTheShadowEffectIsChosen_ShouldSendItsFieldsAndShowTheGrownCanvas()
    {
        var (_, key) = await server.Host.CreateKeyAsync("payg", 5);
        await using var demo = await DemoPage.OpenAsync(chromium.Browser, server.BaseUrl);

        await demo.Page.GetByLabel("Endpoint").SelectOptionAsync("shadow");
        await Assertions.Expect(demo.Page.GetByLabel("Model")).ToBeHiddenAsync();
        await demo.Page.GetByLabel("Offset y (px)").FillAsync("40");
        await demo.Page.GetByLabel("Softness (0–100 px)").FillAsync("0");
        await demo.SubmitAsync(key, Http.Fixture(Photo));

        // The fake model keeps the whole photo, so a hard shadow 40 px down grows the canvas by exactly 40 px.
        Assert.Equal((451, 340), await demo.WaitForResultSizeAsync());
        demo.AssertHealthy(server.BaseUrl);
    }

    [Fact]
    public async Task DemoPage_WhenAPhotoIsDroppedOnTheDropZone_ShouldUseItAsTheUpload()
    {
        await using var demo = await DemoPage.OpenAsync(chromium.Browser, server.BaseUrl);
        var bytes = Convert.ToBase64String(await File.ReadAllBytesAsync(Http.Fixture(Photo)));
        var transfer = await demo.Page.EvaluateHandleAsync(
            """
            base64 => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
              return transfer;
            }
            """,
            bytes);

        await demo.Page.Locator("#drop-zone").DispatchEventAsync("drop", new { dataTransfer = transfer });

        await Assertions.Expect(demo.Page.Locator("#original-size")).ToHaveTextAsync("451 × 300");
        await Assertions.Expect(demo.Page.Locator("#image-name")).ToContainTextAsync("dropped.png");
        Assert.Equal(1, await demo.Page.Locator("#image").EvaluateAsync<int>("input => input.files.length"));
        demo.AssertHealthy(server.BaseUrl);
    }

    [Fact]
    public async Task DemoPage_WhenLoaded_ShouldLabelEveryControlBeKeyboardOperableAndUseOnlyItsOwnOrigin()
    {
        await using var demo = await DemoPage.OpenAsync(chromium.Browser, server.BaseUrl);

        var unlabelled = await demo.Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea')].filter(c => c.labels.length === 0).map(c => c.id || c.name)");
        Assert.Empty(unlabelled);
        await Assertions.Expect(demo.Page.GetByRole(AriaRole.Status)).ToHaveAttributeAsync("aria-live", "polite");
        await Assertions.Expect(demo.Page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(1);

        // The model list is the server's catalogue, read from its OpenAPI document (which lists it sorted, unlike the
        // page's built-in fallback), with the server's default selected.
        await Assertions.Expect(demo.Page.GetByLabel("Model").Locator("option")).ToHaveTextAsync(["aurora", "falcon", "ghost"]);
        await Assertions.Expect(demo.Page.GetByLabel("Model")).ToHaveValueAsync("falcon");

        // From the key's "Forget" button, Tab reaches the real file input, whose focus ring is drawn on the drop zone.
        await demo.Page.GetByRole(AriaRole.Button, new() { Name = "Forget the key" }).FocusAsync();
        await demo.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("image", await demo.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.NotEqual("none", await demo.Page.Locator("#drop-zone").EvaluateAsync<string>("zone => getComputedStyle(zone).outlineStyle"));

        demo.AssertHealthy(server.BaseUrl);
    }

    [GeneratedRegex(@"^req_\w+$")]
    private static partial Regex RequestIdPattern();

    [GeneratedRegex("^blob:")]
    private static partial Regex BlobUrlPattern();

    [GeneratedRegex(@"Try again in \d+ s\.")]
    private static partial Regex WaitPattern();

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex SecondsPattern();

    /// <summary>One browser context (fresh storage) on the demo page, recording every request and script error.</summary>
    private sealed class DemoPage : IAsyncDisposable
    {
        private readonly List<string> _requests = [];
        private readonly List<string> _scriptErrors = [];

        private DemoPage(IBrowserContext context, IPage page)
        {
            Context = context;
            Page = page;
            page.Request += (_, request) => _requests.Add(request.Url);
            page.PageError += (_, error) => _scriptErrors.Add(error);
        }

        public IBrowserContext Context { get; }

        public IPage Page { get; }

        public static async Task<DemoPage> OpenAsync(IBrowser browser, string baseUrl)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = baseUrl,
                ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
            });

            // Generous: the suite shares two cores with ONNX inference and, at times, other engineers' benchmarks.
            context.SetDefaultTimeout(90_000);
            var demo = new DemoPage(context, await context.NewPageAsync());
            await demo.Page.GotoAsync("/");
            await Assertions.Expect(demo.Page).ToHaveTitleAsync(new Regex("FapiHub demo"));
            return demo;
        }

        public async Task SubmitAsync(string apiKey, string photo)
        {
            await Page.GetByLabel("API key", new() { Exact = true }).FillAsync(apiKey);
            await Page.GetByLabel("Drop a photo or choose one").SetInputFilesAsync(photo);
            await Page.GetByRole(AriaRole.Button, new() { Name = "Remove background" }).ClickAsync();
        }

        /// <summary>The value shown for response header <paramref name="name"/> in the page's header list.</summary>
        public ILocator Header(string name) =>
            Page.Locator("#headers div").Filter(new() { Has = Page.Locator("dt", new() { HasTextRegex = new Regex($"^{Regex.Escape(name)}$") }) }).Locator("dd");

        /// <summary>Waits until the result image has loaded and returns its natural width and height.</summary>
        public async Task<(int Width, int Height)> WaitForResultSizeAsync()
        {
            var result = Page.Locator("#result[data-loaded='true']");
            await result.WaitForAsync();
            var size = await result.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
            return (size[0], size[1]);
        }

        /// <summary>Into the test output only: docs/images/demo.png is made once, by hand, with the real model.</summary>
        public async Task ScreenshotAsync(string name) =>
            await Page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", name), FullPage = true });

        /// <summary>No uncaught script error, and nothing fetched from anywhere but this server (no CDN, no fonts).</summary>
        public void AssertHealthy(string baseUrl)
        {
            Assert.Empty(_scriptErrors);
            Assert.All(_requests, url => Assert.True(url.StartsWith(baseUrl + "/", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal), url));
        }

        public async ValueTask DisposeAsync() => await Context.DisposeAsync();
    }
}
