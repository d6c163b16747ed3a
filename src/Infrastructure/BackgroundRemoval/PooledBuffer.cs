using System.Buffers;

namespace FapiHub.Infrastructure.BackgroundRemoval;

/// <summary>
/// An array rented from <see cref="ArrayPool{T}.Shared"/> and returned when disposed, so a pooled buffer has one
/// owner and a <c>using</c> instead of a hand-passed Rent/Return pair. <see cref="Span"/> is exactly
/// <see cref="Length"/> long (the pool may hand out a longer array).
/// </summary>
internal sealed class PooledBuffer<T> : IDisposable
{
    private T[]? _array;

    public PooledBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = ArrayPool<T>.Shared.Rent(length);
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
            ArrayPool<T>.Shared.Return(array);
        }
    }
}
