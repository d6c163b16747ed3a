using FapiHub.Domain.Common;

namespace FapiHub.Infrastructure.BackgroundRemoval.Memory;

/// <summary>
/// A pooled array returned when disposed, so a pooled buffer has one owner and a <c>using</c> instead of a
/// hand-passed Rent/Return pair. <see cref="Span"/> is exactly <see cref="Length"/> long (the pool may hand out a
/// longer array).
/// </summary>
internal sealed class PooledBuffer<T> : IDisposable
{
    /// <summary>
    /// Not <see cref="ArrayPool{T}.Shared"/>: it also caches an array per size in every thread that returned one, so the
    /// refinement's tens-of-MB planes piled up across the thread pool's threads after bursts of large photos (most of a
    /// gigabyte of large-object heap after C=8 with 12 MP photos, docs/performance.md).
    /// </summary>
    private static readonly LargeArrayPool<T> Pool = new(maxArrayLength: 64 * 1024 * 1024);

    private T[]? _array;

    public PooledBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = Pool.Rent(length);
        Length = length;
    }

    public int Length { get; }

    public Span<T> Span => (_array ?? throw new ObjectDisposedException(nameof(PooledBuffer<T>))).AsSpan(0, Length);

    public Memory<T> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledBuffer<T>))).AsMemory(0, Length);

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            Pool.Return(array);
        }
    }
}
