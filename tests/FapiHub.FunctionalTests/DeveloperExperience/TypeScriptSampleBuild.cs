using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests.DeveloperExperience;

/// <summary>
/// Builds samples/typescript once per test class, as its README tells a user to: <c>npm ci</c> (versions pinned by its
/// package-lock.json), types generated from docs/openapi.json with openapi-typescript, then <c>tsc</c> (strict; no
/// output on a type error), so a document change that breaks the typed calls fails here. Built in the test's output
/// folder (bin/, git-ignored), never in the repository.
/// </summary>
public sealed class TypeScriptSampleBuild : IAsyncLifetime
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "samples", "typescript");

    public async Task InitializeAsync()
    {
        await NodeTools.InstallAsync(Folder);
        // The project file puts docs/openapi.json where the generator looks by default (../../docs/openapi.json).
        var build = await NodeTools.RunAsync("npm", ["run", "--silent", "build"], Folder, limit: TimeSpan.FromMinutes(3));
        Assert.True(build.ExitCode == 0, $"the TypeScript sample does not build against docs/openapi.json:\n{build.Describe()}");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
