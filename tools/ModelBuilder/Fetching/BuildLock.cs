using System.Diagnostics;

namespace FapiHub.ModelBuilder.Fetching;

/// <summary>
/// Serialises builders across processes (the API and the test projects build in parallel and all run the builder).
/// The lock is models/.fetch.lock opened with FileShare.None: .NET takes an OS lock on it (flock on Unix, a share
/// mode on Windows) that dies with the process, so a killed build never leaves a stale lock to detect and break.
/// </summary>
internal sealed class BuildLock : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly FileStream _stream;

    private BuildLock(FileStream stream) => _stream = stream;

    /// <summary>Waits up to <paramref name="maxWait"/> (a hung download elsewhere must not hang this build forever),
    /// then fails with FHM005.</summary>
    public static BuildLock Acquire(string directory, TimeSpan maxWait, Action<string> log)
    {
        var path = Path.Combine(directory, ".fetch.lock");
        var waited = Stopwatch.StartNew();
        var announced = false;
        while (true)
        {
            try
            {
                // Never deleted on release: deleting would let a waiter lock a new file while a third process still
                // holds the old, unlinked one.
                return new BuildLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (waited.Elapsed < maxWait)
            {
                if (!announced)
                {
                    log("waiting for another model build to finish...");
                    announced = true;
                }

                Thread.Sleep(Poll);
            }
            catch (IOException e)
            {
                throw new ModelBuilderException(ErrorCodes.Lock,
                    $"gave up after {waited.Elapsed.TotalMinutes:0} min waiting for {path} ({e.Message}); is another build hung?");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
