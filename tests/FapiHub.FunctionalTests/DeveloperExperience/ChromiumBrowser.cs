using Microsoft.Playwright;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>
/// Debian's chromium (<c>apt-get install chromium</c>, done by .ci/run) driven by Playwright's bundled driver. The
/// browsers <c>playwright install</c> downloads are not reachable here, so the browser is always the system one.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.");
        }

        // Expect(...) waits 5 s by default; the suite shares two cores with ONNX inference and, at times, other
        // engineers' benchmarks, so give every assertion as long as the page's own actions get (DemoPage.OpenAsync).
        Assertions.SetDefaultExpectTimeout(90_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,

            // No sandbox (CI runs as root, where chromium's sandbox refuses to start), no GPU, and none of the
            // browser's own traffic (updates, sync, QUIC probes): the page under test is the only thing talking.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 120_000, // a cold start on a busy two-core machine
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
