using System.Runtime.InteropServices;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class NativeHeapTests
{
    [Fact]
    public void Trim_WhenRunOnGlibcLinux_ShouldReachMallocTrim()
    {
        // Fails if the import stops resolving (a renamed library, a trimmed entry point), which Trim would otherwise hide.
        var glibc = OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);

        Assert.Equal(glibc, NativeHeap.Trim());
    }

    [Fact]
    public void ReturnLargeBlocksAtOnce_WhenRunOnGlibcLinux_ShouldBeAcceptedByMallopt()
    {
        var glibc = OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);

        Assert.Equal(glibc, NativeHeap.ReturnLargeBlocksAtOnce());
    }
}
