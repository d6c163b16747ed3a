using System.Text.Json;
using FapiHub.Tests.Shared;

namespace FapiHub.ContractTests;

/// <summary>
/// docs/openapi.json passes Redocly's linter with its recommended rules, exactly as a consumer runs it
/// (<c>npx @redocly/cli@2.77.0 lint docs/openapi.json</c> from the repository root, which applies
/// .redocly.lint-ignore.yaml). The CLI is pinned by Redocly/package-lock.json and installed into the test's output folder.
/// </summary>
[Trait("Category", "External")] // Runs the pinned Redocly CLI with node (after npm ci): outside the fast loop.
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task RedoclyLint_WhenRunOnTheCommittedDocument_ShouldReportNoErrorsAndNoWarnings()
    {
        var root = NodeTools.RepositoryRoot();
        var tool = Path.Combine(AppContext.BaseDirectory, "redocly");
        Directory.CreateDirectory(tool);
        foreach (var file in new[] { "package.json", "package-lock.json" })
        {
            File.Copy(Path.Combine(root, "tests", "FapiHub.ContractTests", "Redocly", file), Path.Combine(tool, file), overwrite: true);
        }

        await NodeTools.InstallAsync(tool);
        var cli = Path.Combine(tool, "node_modules", "@redocly", "cli", "bin", "cli.js");
        var run = await NodeTools.RunAsync("node", [cli, "lint", "docs/openapi.json", "--format=json"], root);

        using var report = JsonDocument.Parse(run.StandardOutput);
        var totals = report.RootElement.GetProperty("totals");
        var problems = string.Join(
            Environment.NewLine,
            report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}"));
        Assert.Equal("2.77.0", report.RootElement.GetProperty("version").GetString());
        Assert.True(
            totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0 && run.ExitCode == 0,
            $"redocly lint docs/openapi.json found problems:{Environment.NewLine}{problems}{Environment.NewLine}{run.StandardError}");

        // Only the six image paths' trailing slashes are ignored (see .redocly.lint-ignore.yaml): nothing else slips by.
        Assert.Equal(6, totals.GetProperty("ignored").GetInt32());
    }
}
