namespace FapiHub.Infrastructure.BackgroundRemoval.Scheduling;

/// <summary>
/// Who may hold decoded images: at most <c>maxHolders</c> requests, whose photos together stay within
/// <c>pixelBudget</c> pixels (0: no budget). A photo larger than the whole budget still gets in, alone, so nothing is
/// refused here. Strictly first come, first served: a large photo waiting at the head is not overtaken by small ones,
/// so it cannot starve.
/// </summary>
internal sealed class TurnGate(int maxHolders, long pixelBudget)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = [];
    private int _holders;
    private long _pixels;

    /// <summary>Waits for a turn for a photo of <paramref name="pixels"/>; call <see cref="Release"/> with the same count.</summary>
    public async Task EnterAsync(long pixels, CancellationToken cancellationToken)
    {
        LinkedListNode<Waiter> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && Fits(pixels))
            {
                Take(pixels);
                return;
            }

            node = _waiters.AddLast(new Waiter(pixels, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }

        using var registration = cancellationToken.Register(() => Abandon(node, cancellationToken));
        await node.Value.Granted.Task.ConfigureAwait(false);
    }

    public void Release(long pixels)
    {
        List<TaskCompletionSource> granted;
        lock (_lock)
        {
            _holders--;
            _pixels -= pixels;
            granted = LetInWhoFits();
        }

        granted.ForEach(g => g.TrySetResult());
    }

    private bool Fits(long pixels) =>
        _holders == 0 || (_holders < maxHolders && (pixelBudget <= 0 || _pixels + pixels <= pixelBudget));

    private void Take(long pixels)
    {
        _holders++;
        _pixels += pixels;
    }

    /// <summary>A waiter that gave up leaves the line; one already let in keeps its turn and releases it as usual.</summary>
    private void Abandon(LinkedListNode<Waiter> node, CancellationToken cancellationToken)
    {
        List<TaskCompletionSource> granted;
        lock (_lock)
        {
            if (node.List is null)
            {
                return;
            }

            _waiters.Remove(node);
            granted = LetInWhoFits(); // leaving the head may let the next ones in
        }

        node.Value.Granted.TrySetCanceled(cancellationToken);
        granted.ForEach(g => g.TrySetResult());
    }

    /// <summary>Under the lock: takes turns for the waiters at the head that fit now; completed by the caller outside it.</summary>
    private List<TaskCompletionSource> LetInWhoFits()
    {
        List<TaskCompletionSource> granted = [];
        while (_waiters.First is { } first && Fits(first.Value.Pixels))
        {
            _waiters.RemoveFirst();
            Take(first.Value.Pixels);
            granted.Add(first.Value.Granted);
        }

        return granted;
    }

    private sealed record Waiter(long Pixels, TaskCompletionSource Granted);
}
