using FapiHub.ModelBuilder.Fetching;

namespace FapiHub.ModelBuilder.Tests;

public sealed class BuildLockTests
{
    [Fact]
    public void Acquire_WhenAnotherHolderKeepsTheLock_ShouldWaitThenGiveUpWithFhm005()
    {
        using var dir = new TempDirectory();
        var log = new List<string>();
        using var held = BuildLock.Acquire(dir.Path, TimeSpan.FromSeconds(1), log.Add);

        var error = Assert.Throws<ModelBuilderException>(() => BuildLock.Acquire(dir.Path, TimeSpan.FromSeconds(1), log.Add));

        Assert.Equal(ErrorCodes.Lock, error.Code);
        Assert.Contains(".fetch.lock", error.Message, StringComparison.Ordinal);
        Assert.Contains("waiting for another model build to finish...", log);
    }

    [Fact]
    public void Acquire_WhenTheHolderReleases_ShouldGetTheLock()
    {
        using var dir = new TempDirectory();
        var held = BuildLock.Acquire(dir.Path, TimeSpan.FromSeconds(1), _ => { });
        var waited = false;

        // Released when the second build announces that it waits (its first attempt failed), so the release always
        // lands while it waits, whatever the machine's speed, instead of after a 700 ms sleep.
        using var second = BuildLock.Acquire(dir.Path, TimeSpan.FromSeconds(10), _ =>
        {
            waited = true;
            held.Dispose();
        });

        Assert.True(waited, "the second build never had to wait");
        Assert.True(File.Exists(Path.Combine(dir.Path, ".fetch.lock")));
    }
}
