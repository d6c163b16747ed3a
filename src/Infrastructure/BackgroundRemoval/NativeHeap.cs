using System.Runtime.InteropServices;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// Hands freed native heap back to the operating system. Building an ONNX Runtime session parses the model file and
/// converts its fp16 initialisers to fp32; ONNX Runtime frees the parsed copies afterwards, but glibc keeps those pages
/// in the process (≈185 MB for falcon + ghost, measured in docs/performance.md) unless asked to trim.
/// </summary>
internal static partial class NativeHeap
{
    /// <summary>Asks glibc to trim; <c>false</c> where there is nothing to ask (not Linux, or a libc without <c>malloc_trim</c>, such as musl).</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
