using System.Runtime.InteropServices;

namespace FapiHub.Infrastructure.BackgroundRemoval.Memory;

/// <summary>
/// Hands freed native heap back to the operating system. Building an ONNX Runtime session parses the model file and
/// converts its fp16 initialisers to fp32; ONNX Runtime frees the parsed copies afterwards, but glibc keeps those pages
/// in the process (≈185 MB for falcon + ghost, measured in docs/performance.md) unless asked to trim.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>4 MB: well above the small allocations glibc's heap is good at, below a large photo's buffers.</summary>
    public const int LargeBlockBytes = 4 * 1024 * 1024;

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h

    /// <summary>Asks glibc to trim; <c>false</c> where there is nothing to ask (not Linux, or a libc without <c>malloc_trim</c>, such as musl).</summary>
    public static bool Trim() => CallGlibc(static () =>
    {
        _ = MallocTrim(0);
        return true;
    });

    /// <summary>
    /// Has glibc give every block of <see cref="LargeBlockBytes"/> or more straight back to the system when it is freed.
    /// By default glibc raises that threshold (up to 32 MB) each time such a block is freed, so after the first large
    /// photo the mipmaps Skia builds to downscale it and the encoders' buffers (tens of MB, several per request) are
    /// carved from per-thread arenas and stay there until a trim: under C=8 with 12 MP photos, ~100 MB of the peak
    /// (docs/performance.md). Fixing the threshold also turns glibc's adjustment off. Called once, at start-up.
    /// </summary>
    public static bool ReturnLargeBlocksAtOnce() => CallGlibc(static () => MallOpt(MmapThreshold, LargeBlockBytes) == 1);

    /// <summary>The call's answer on Linux; <c>false</c> off Linux or where libc lacks the entry point (musl).</summary>
    private static bool CallGlibc(Func<bool> call)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
