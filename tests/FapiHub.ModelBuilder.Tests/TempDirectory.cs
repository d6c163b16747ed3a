namespace FapiHub.ModelBuilder.Tests;

internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fapihub-modelbuilder-tests-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
