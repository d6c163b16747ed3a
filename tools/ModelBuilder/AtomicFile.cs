namespace FapiHub.ModelBuilder;

/// <summary>Writes a file so that readers see either the old or the whole new file: a temp file next to the target
/// (same file system, so the rename is atomic), renamed over it. Renaming also breaks any hard link from bin/ to the
/// old file instead of changing the linked bytes under a running app.</summary>
internal static class AtomicFile
{
    /// <summary>Temp names are <c>&lt;file&gt;.&lt;pid&gt;.&lt;8 hex&gt;.tmp</c>, so leftovers of a killed run can be recognised.</summary>
    public static string TempPathFor(string path) =>
        $"{path}.{Environment.ProcessId}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}.tmp";

    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
            }

            Install(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Renames <paramref name="temp"/> over <paramref name="path"/>. Windows refuses while another process has
    /// the target open (e.g. a running API), so it retries briefly.</summary>
    public static void Install(string temp, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(temp, path, overwrite: true);
                return;
            }
            catch (Exception e) when (attempt < 10 && e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200 * attempt);
            }
        }
    }
}
