using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>
/// The client samples in <c>samples/</c>, run exactly as a user runs them (curl, Debian's python3 with requests,
/// Node's built-in fetch) against a real Kestrel server, so a sample that drifts from the API fails the build.
/// </summary>
public sealed class SampleClientTests : IClassFixture<KestrelServer>
{
    private const string Photo = "chelsea.png"; // 451×300 RGB

    private readonly KestrelServer _server;

    public SampleClientTests(KestrelServer server) => _server = server;

    public static TheoryData<string> Samples => ["curl", "python", "javascript"];

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_WhenGivenAValidKeyAndAPhoto_ShouldWriteATransparentPngAndPrintTheHeaders(string sample)
    {
        var (_, key) = await _server.Host.CreateKeyAsync("payg", 5);
        var output = Path.Combine(_server.WorkDirectory, $"{sample}-result.png");

        var run = await SampleRunner.RunAsync(sample, _server.BaseUrl, key, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode == 0, run.Describe());
        var png = await File.ReadAllBytesAsync(output);
        Assert.Equal((451, 300, 8, 6), TestImages.PngHeader(png)); // 8-bit RGBA (colour type 6), the input's size
        Assert.Matches(@"X-Request-Id: req_\w+", run.StandardOutput);
        Assert.Contains("X-Credits-Remaining: 4", run.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_WhenTheKeyIsWrong_ShouldPrintTheEnvelopeCodeAndMessageAndExitNonZero(string sample)
    {
        const string wrongKey = "fh_live_ThisKeyDoesNotExist00000000000000000";
        var expected = await _server.UnauthorizedMessageAsync(wrongKey);
        var output = Path.Combine(_server.WorkDirectory, $"{sample}-refused.png");

        var run = await SampleRunner.RunAsync(sample, _server.BaseUrl, wrongKey, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains("401 invalid_api_key", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(expected, run.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "a refused call must not leave a result file behind");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_WhenCreditsAreUsedUp_ShouldPrintInsufficientCreditsAndExitNonZero(string sample)
    {
        var (_, key) = await _server.Host.CreateKeyAsync("payg", 0);
        var output = Path.Combine(_server.WorkDirectory, $"{sample}-unpaid.png");

        var run = await SampleRunner.RunAsync(sample, _server.BaseUrl, key, Http.Fixture(Photo), output);

        Assert.True(run.ExitCode != 0, run.Describe());
        Assert.Contains("402 insufficient_credits", run.StandardError, StringComparison.Ordinal);
    }
}
