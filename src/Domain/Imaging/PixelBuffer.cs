using FapiHub.Domain.Common;
using System.Globalization;

namespace FapiHub.Domain.Imaging;

/// <summary>
/// A rented byte buffer of an exact logical length. Images of several megapixels are far above the
/// large-object-heap threshold; renting them keeps a busy server from churning gen-2 collections.
/// </summary>
public abstract class PixelBuffer : IDisposable
{
    private static readonly LargeArrayPool<byte> Pool = new(maxArrayLength: 256 * 1024 * 1024);

    private byte[]? _buffer;

    protected PixelBuffer(int width, int height, int bytesPerPixel)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerPixel);

        // In long, and refused with the sizes rather than an OverflowException from deep inside: callers bound their
        // sizes first (OutputBounds for composed canvases), so this is the last line, not the check.
        var pixels = (long)width * height; // at most (2^31)^2: fits a long, unlike its product with the bytes per pixel
        if (pixels > Array.MaxLength / bytesPerPixel)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width),
                width,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"A {width}x{height} image of {bytesPerPixel} bytes per pixel needs {pixels * (decimal)bytesPerPixel} bytes; one buffer holds at most {Array.MaxLength}."));
        }

        Width = width;
        Height = height;
        Length = (int)(pixels * bytesPerPixel);
        _buffer = Pool.Rent(Length);

        // Pooled arrays come back with an earlier image's pixels in them; a new buffer starts transparent black, like
        // a fresh array would. (A memset is noise next to inference.)
        Span.Clear();
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes in use (the rented array may be longer).</summary>
    public int Length { get; }

    public Span<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>The rented array, for APIs that need an array or a pinned pointer; only the first <see cref="Length"/> bytes belong to the image.</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(GetType().Name);

    /// <summary>Bytes per pixel: 4 for RGBA, 1 for a matte.</summary>
    public int BytesPerPixel => Length / (Width * Height);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            Pool.Return(buffer);
        }

        GC.SuppressFinalize(this);
    }
}
