using FapiHub.Domain.Common;

namespace FapiHub.Domain.Imaging;

/// <summary>
/// An encoded image (PNG, WebP or JPEG bytes) in a pooled buffer, owned by its last holder: the response that writes
/// it disposes it. A 12 MP cut-out is ~12 MB, so a fresh array per response was large-object-heap garbage that raised
/// the peak of a loaded server (docs/performance.md).
/// </summary>
public sealed class EncodedImage : IDisposable
{
    private static readonly LargeArrayPool<byte> Pool = new(maxArrayLength: 256 * 1024 * 1024);

    private byte[]? _buffer;

    private EncodedImage(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(EncodedImage));

    /// <summary>A copy of <paramref name="bytes"/> in a pooled buffer.</summary>
    public static EncodedImage Copy(ReadOnlySpan<byte> bytes)
    {
        var buffer = Pool.Rent(bytes.Length);
        bytes.CopyTo(buffer);
        return new EncodedImage(buffer, bytes.Length);
    }

    /// <summary>A read-only stream over the bytes, valid until this is disposed.</summary>
    public Stream OpenRead() => new MemoryStream(Buffer, 0, Length, writable: false);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            Pool.Return(buffer);
        }
    }
}
