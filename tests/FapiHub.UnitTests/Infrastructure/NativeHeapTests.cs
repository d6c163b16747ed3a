using FapiHub.Infrastructure.BackgroundRemoval;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class NativeHeapTests
{
    [Fact]
    public void Trim_WhenCalledOnAnyPlatform_ShouldReturnWithoutThrowing()
    {
        // glibc trims, musl and non-Linux platforms do nothing: the call must be safe everywhere the server runs.
        var exception = Record.Exception(NativeHeap.Trim);

        Assert.Null(exception);
    }
}
