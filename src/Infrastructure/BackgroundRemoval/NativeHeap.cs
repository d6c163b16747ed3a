using System.Runtime.InteropServices;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// Hands freed native heap back to the operating system. Building an ONNX Runtime session parses the model file and
/// converts its fp16 initialisers to fp32; ONNX Runtime frees the parsed copies afterwards, but glibc keeps those pages
/// in the process (≈185 MB for falcon + ghost, measured in docs/performance.md) unless asked to trim.
/// </summary>
internal static partial class NativeHeap
{
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // musl (Alpine) has no malloc_trim; nothing to hand back there.
        }
        catch (DllNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
