using System.Buffers;

namespace FapiHub.Domain.Common;

/// <summary>
/// A pool of large arrays (pixel planes, tensors, encoded images: megabytes each, on the large-object heap) that keeps
/// at most four of each size, which is what the few requests holding a turn reuse, and that can be emptied when the
/// server goes idle (<see cref="LargeArrayPools.EmptyAll"/>), so the arrays of a burst do not stay for good.
/// Never <see cref="ArrayPool{T}.Shared"/> for these: it keeps arrays per size and per core for the life of the process
/// (hundreds of MB after a burst of 12 MP photos, docs/performance.md).
/// </summary>
public sealed class LargeArrayPool<T>
{
    private readonly int _maxArrayLength;
    private ArrayPool<T> _pool;

    public LargeArrayPool(int maxArrayLength)
    {
        _maxArrayLength = maxArrayLength;
        _pool = Create();
        LargeArrayPools.Register(Empty);
    }

    public T[] Rent(int minimumLength) => Volatile.Read(ref _pool).Rent(minimumLength);

    /// <summary>Takes an array back; one rented before the pool was emptied joins the new pool (the sizes are the same).</summary>
    public void Return(T[] array) => Volatile.Read(ref _pool).Return(array);

    /// <summary>Lets go of every array the pool holds: they are garbage for the next full collection.</summary>
    private void Empty() => Volatile.Write(ref _pool, Create());

    private ArrayPool<T> Create() => ArrayPool<T>.Create(_maxArrayLength, maxArraysPerBucket: 4);
}

/// <summary>Every <see cref="LargeArrayPool{T}"/> of the process, for the idle hand-back to empty at once.</summary>
public static class LargeArrayPools
{
    private static readonly Lock Gate = new();
    private static readonly List<Action> Emptiers = [];

    /// <summary>Empties every pool; call it ahead of a full collection when no request is inside.</summary>
    public static void EmptyAll()
    {
        lock (Gate)
        {
            Emptiers.ForEach(empty => empty());
        }
    }

    internal static void Register(Action empty)
    {
        lock (Gate)
        {
            Emptiers.Add(empty);
        }
    }
}
