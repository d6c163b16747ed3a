using System.Security.Cryptography;

namespace FapiHub.ModelBuilder;

/// <summary>Size and SHA-256 checks of model files against their pins.</summary>
internal static class FileCheck
{
    /// <summary>Null when <paramref name="path"/> has the pinned size and hash, else a short reason. An unpinned entry
    /// only has to exist.</summary>
    public static string? Problem(string path, long? bytes, string? sha256)
    {
        // A symbolic link (a models folder assembled from links, a container volume) is judged by its target:
        // FileInfo.Length would otherwise be the link's own size.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
        {
            info = target;
        }

        if (!info.Exists)
        {
            return "missing";
        }

        // Size first: it catches a truncated file without reading it.
        if (bytes is { } expected && info.Length != expected)
        {
            return $"size {info.Length} bytes, expected {expected}";
        }

        if (sha256 is null)
        {
            return null;
        }

        var actual = Sha256(path);
        return actual == sha256 ? null : $"SHA-256 mismatch: expected {sha256}, actual {actual}";
    }

    public static string Sha256(string path)
    {
        // 1 MiB reads: hashing ~500 MB is then bound by SHA-256, not by syscalls.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
