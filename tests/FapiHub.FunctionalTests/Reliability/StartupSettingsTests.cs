using System.Diagnostics;
using FapiHub.FunctionalTests.Accounts;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// Issue 25, cases 5 and 6, on the built app as an operator runs it (<c>dotnet FapiHub.Api.dll</c>, Production): a
/// refused setting ends the process with exit code 1 and one logged error naming the key, its range and the value,
/// without a stack trace. Before: some were accepted (0, -5 or "abc" for the rate-limit window, a reservation timeout
/// of 0, 100000 threads, a one-character admin key) and the others ended in an unhandled exception (exit 134).
/// </summary>
[Trait("Category", "External")] // Runs the built app as a child dotnet process (and one test a redis-server): outside the fast loop.
public sealed class StartupSettingsTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("fapihub-models-").FullName;

    public StartupSettingsTests()
    {
        // Placeholder model files: the catalogue's start-up check passes, and nothing heavy is ever loaded.
        Directory.CreateDirectory(Path.Combine(_models, "calibration"));
        foreach (var model in new[] { "isnet-fp16.onnx", "isnet-int8-1024.onnx", "isnet-int8-672.onnx", "calibration/isnet-1024.json", "calibration/isnet-672.json" })
        {
            File.WriteAllBytes(Path.Combine(_models, model), []);
        }
    }

    [Theory]
    [InlineData("RateLimiting:WindowSeconds", "0", "RateLimiting:WindowSeconds must be between 1 and 3600 (was 0)")]
    [InlineData("RateLimiting:WindowSeconds", "-5", "RateLimiting:WindowSeconds must be between 1 and 3600 (was -5)")]
    [InlineData("RateLimiting:WindowSeconds", "abc", "RateLimiting:WindowSeconds must be a number (was 'abc')")]
    [InlineData("Accounts:ReservationTimeoutSeconds", "0", "Accounts:ReservationTimeoutSeconds must be between 61 and 604800 (was 0)")]
    [InlineData("Inference:IntraOpThreads", "100000", "Inference:IntraOpThreads must be between 0 and 256 (was 100000)")]
    [InlineData("Admin:ApiKey", "x", "Admin:ApiKey must be 16 to 1024 characters")]
    [InlineData("Limits:MaxPixels", "0", "Limits:MaxPixels must be between 1 and 536870911 (was 0)")]
    [InlineData("Inference:MaxQueue", "many", "Inference:MaxQueue must be a whole number (was 'many')")]
    [InlineData("Plans:gold:PerMinute", "lots", "Plans:gold:PerMinute must be a whole number (was 'lots')")] // before: the plan was silently dropped
    [InlineData("ApiKeys:Bootstrap:0:Credits", "abc", "ApiKeys:Bootstrap:0:Credits must be a whole number (was 'abc')")] // before: the key was silently not seeded
    [InlineData("Models:Catalog:falcon:InputSize", "big", "Models:Catalog:falcon:InputSize must be a whole number (was 'big')")]
    [InlineData("ImageUrl:AllowedHosts:0", "http://images.internal:8080/", "ImageUrl:AllowedHosts:0 must be a host name, '*.' and a domain, or an IP address")]
    [InlineData("ImageUrl:TimeoutSeconds", "0", "ImageUrl:TimeoutSeconds must be between 1 and 300 (was 0)")]
    public async Task Start_WhenASettingIsOutOfRangeOrOfTheWrongType_ShouldExitWithCode1NamingTheKeyWithoutAStackTrace(string key, string value, string expected)
    {
        var (exitCode, output) = await RunToExit((key, value));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {output}");
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WhenSeveralSettingsAreRefused_ShouldNameEveryKeyInOneError()
    {
        var (exitCode, output) = await RunToExit(("RateLimiting:WindowSeconds", "abc"), ("Limits:MaxPixels", "0"), ("Admin:ApiKey", "x"), ("Swagger:Enabled", "maybe"));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {output}");
        Assert.Contains("4 setting(s) refused", output, StringComparison.Ordinal);
        foreach (var key in new[] { "RateLimiting:WindowSeconds", "Limits:MaxPixels", "Admin:ApiKey", "Swagger:Enabled" })
        {
            Assert.Contains(key, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 25, case 5: two keys on plan <c>gold</c> in Redis, then a restart without <c>Plans:gold</c>. Before: the
    /// server started and answered 500 on every call of those keys.
    /// </summary>
    [Fact]
    public async Task Start_WhenRedisHoldsKeysOnAPlanMissingFromConfiguration_ShouldExitWithCode1NamingThePlanAndKeyCount()
    {
        await using var redis = await RedisServer.StartPrivateAsync();
        var prefix = "orphans-" + Guid.NewGuid().ToString("N")[..8];
        var gold = new Dictionary<string, string> { ["Plans:gold:MonthlyQuota"] = "100", ["Plans:gold:PerMinute"] = "10" };
        await using (var before = new AccountsHost(redis.ConnectionString, prefix, gold))
        {
            await before.CreateKeyAsync("gold");
            await before.CreateKeyAsync("gold");
            await before.CreateKeyAsync("basic");
        }

        var (exitCode, output) = await RunToExit(("ConnectionStrings:Redis", redis.ConnectionString), ("Accounts:RedisKeyPrefix", prefix));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {output}");
        Assert.Contains("Plans:gold is not configured, but 2 active key(s) are on plan 'gold'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);

    /// <summary>Starts the built app with <paramref name="settings"/> and waits for it to end by itself (at most 90 s).</summary>
    private async Task<(int ExitCode, string Output)> RunToExit(params (string Key, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ApiOutputFolder(),
        };
        start.ArgumentList.Add(Path.Combine(start.WorkingDirectory, "FapiHub.Api.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Models__Directory"] = _models;
        start.Environment["Inference__WarmUp"] = "false";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"the app did not stop by itself within 90 s: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>src/Api's own build output for this configuration (Debug or Release, as the tests were built).</summary>
    private static string ApiOutputFolder()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "FapiHub.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var output = Path.Combine(root.FullName, "src", "Api", "bin", testOutput.Parent!.Name, testOutput.Name);
        Assert.True(File.Exists(Path.Combine(output, "FapiHub.Api.dll")), $"build src/Api first: no {output}/FapiHub.Api.dll");
        return output;
    }
}
