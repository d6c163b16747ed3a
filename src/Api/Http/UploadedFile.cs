using System.Buffers;

namespace FapiHub.Api.Http;

/// <summary>
/// An uploaded file's bytes in a pooled buffer (uploads run to megabytes, above the large-object-heap threshold).
/// Empty when no file was sent; the validator turns that into a 400 naming the field.
/// </summary>
internal sealed class UploadedFile : IDisposable
{
    private byte[]? _buffer;

    private UploadedFile(byte[]? buffer, int length)
    {
        _buffer = buffer;
        Memory = buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public static async Task<UploadedFile> ReadAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return new UploadedFile(null, 0);
        }

        // The body limit caps file.Length well below int.MaxValue.
        var length = checked((int)file.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(buffer.AsMemory(0, length), cancellationToken);
            return new UploadedFile(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
