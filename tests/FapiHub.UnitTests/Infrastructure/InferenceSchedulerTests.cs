using FapiHub.Application.Common.Telemetry;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class InferenceSchedulerTests : IDisposable
{
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void TryAdmit_WhenSlotsAndQueueAreFull_ShouldRefuseAtOnceWithRetryAfter()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 2);

        var admitted = Enumerable.Range(0, 3).Select(_ => scheduler.TryAdmit()).ToList();
        var refused = scheduler.TryAdmit();

        Assert.All(admitted, a => Assert.True(a.IsSuccess));
        Assert.Equal("server_busy", refused.Error!.Code);
        Assert.InRange(refused.Error.RetryAfterSeconds!.Value, 1, 60);

        admitted[0].Value.Dispose();
        admitted[0].Value.Dispose(); // twice: counted once
        Assert.True(scheduler.TryAdmit().IsSuccess);
        Assert.False(scheduler.TryAdmit().IsSuccess);
    }

    [Fact]
    public async Task AcquireSlot_WhenAllSlotsAreTaken_ShouldWaitUntilOneIsReleased()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4);
        var first = await scheduler.AcquireSlotAsync(default);

        var second = scheduler.AcquireSlotAsync(default).AsTask();
        AssertWaiting(second);

        first.Dispose();
        using var granted = await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AcquireSlot_WhenTheWaitingClientHangsUp_ShouldDropItBeforeItRuns()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4);
        using var busy = await scheduler.AcquireSlotAsync(default);
        using var hangUp = new CancellationTokenSource();

        var waiting = scheduler.AcquireSlotAsync(hangUp.Token).AsTask();
        await hangUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task WaitForTurn_WhenOneMoreThanTheSlotsHoldImages_ShouldMakeTheNextWaitAndLetItInOnRelease()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4);
        List<IDisposable> turns = [];
        turns.Add(Granted(scheduler.WaitForTurnAsync(OneMegapixel, default)));
        turns.Add(Granted(scheduler.WaitForTurnAsync(OneMegapixel, default))); // running + prepared next

        var third = scheduler.WaitForTurnAsync(OneMegapixel, default).AsTask();
        AssertWaiting(third);

        turns[0].Dispose();
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        turns.ForEach(t => t.Dispose());
    }

    [Fact]
    public async Task WaitForTurn_WhenTwoLargePhotosWouldExceedThePixelBudget_ShouldLetThemInOneAtATime()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4, pixelBudget: 16_000_000);
        List<IDisposable> turns = [];
        turns.Add(Granted(scheduler.WaitForTurnAsync(12_000_000, default)));

        var secondLarge = scheduler.WaitForTurnAsync(12_000_000, default).AsTask();
        var smallBehindIt = scheduler.WaitForTurnAsync(OneMegapixel, default).AsTask();
        AssertWaiting(secondLarge);
        AssertWaiting(smallBehindIt); // first come, first served: the large photo is not overtaken

        turns[0].Dispose();
        await secondLarge.WaitAsync(TimeSpan.FromSeconds(5));
        await smallBehindIt.WaitAsync(TimeSpan.FromSeconds(5)); // 12 + 1 MP fit the budget together
        turns.ForEach(t => t.Dispose());
    }

    [Fact]
    public async Task WaitForTurn_WhenOnePhotoIsLargerThanTheWholeBudget_ShouldStillRunItAlone()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4, pixelBudget: 16_000_000);
        var huge = Granted(scheduler.WaitForTurnAsync(25_000_000, default));
        var waiting = scheduler.WaitForTurnAsync(OneMegapixel, default).AsTask();
        AssertWaiting(waiting);

        huge.Dispose();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task WaitForTurn_WhenTheWaiterAtTheHeadHangsUp_ShouldLetTheNextInAndNeverGrantTheAbandonedTurn()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4, pixelBudget: 16_000_000);
        List<IDisposable> turns = [];
        turns.Add(Granted(scheduler.WaitForTurnAsync(12_000_000, default)));
        using var hangUp = new CancellationTokenSource();
        var abandoned = scheduler.WaitForTurnAsync(12_000_000, hangUp.Token).AsTask();
        var small = scheduler.WaitForTurnAsync(OneMegapixel, default).AsTask();
        AssertWaiting(abandoned);
        AssertWaiting(small);

        await hangUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await small.WaitAsync(TimeSpan.FromSeconds(5)); // 12 + 1 MP: in once the head left
        // A cancelled wait holds no turn.
        var last = scheduler.WaitForTurnAsync(OneMegapixel, default).AsTask();
        AssertWaiting(last); // still two holders (the 12 MP and the 1 MP): the turns are not over-counted

        turns[0].Dispose();
        await last.WaitAsync(TimeSpan.FromSeconds(5));
        turns.ForEach(t => t.Dispose());
    }

    [Fact]
    public async Task TurnEnd_WhenThePhotoWasLarge_ShouldCollectTheLargeObjectHeap()
    {
        using var scheduler = Scheduler(concurrency: 1, queue: 4);
        var turn = await scheduler.WaitForTurnAsync(MemoryHandBack.LargePhotoPixels, default);
        var before = GC.CollectionCount(2);

        turn.Dispose();

        // Off the request's path, on the thread pool: wait for it rather than expect it at once.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (GC.CollectionCount(2) == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(GC.CollectionCount(2) > before);
    }

    [Fact]
    public void Options_WhenNotSet_ShouldDeriveThreadsAndSlotsFromTheCores()
    {
        var options = new InferenceOptions();

        Assert.InRange(options.EffectiveIntraOpThreads, 1, 4);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / options.EffectiveIntraOpThreads), options.EffectiveMaxConcurrency);
        Assert.Equal(4, options.EffectiveMaxQueue);
    }

    [Fact]
    public async Task TryClaimIdleAfterWork_WhenTheLastRequestLeftLongEnoughAgo_ShouldSayYesOncePerBurst()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        using var scheduler = Scheduler(concurrency: 1, queue: 4, clock: clock);
        var quiet = TimeSpan.FromSeconds(5);
        Assert.False(scheduler.TryClaimIdleAfterWork(quiet)); // no work yet: nothing to hand back

        var admission = scheduler.TryAdmit().Value;
        (await scheduler.WaitForTurnAsync(OneMegapixel, default)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(scheduler.TryClaimIdleAfterWork(quiet)); // still inside (its answer is being written)

        admission.Dispose();
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(scheduler.TryClaimIdleAfterWork(quiet)); // not quiet long enough

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(scheduler.TryClaimIdleAfterWork(quiet));
        Assert.False(scheduler.TryClaimIdleAfterWork(quiet)); // once per burst

        scheduler.TryAdmit().Value.Dispose(); // a request refused before its turn (e.g. 429) did no work
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(scheduler.TryClaimIdleAfterWork(quiet));
    }

    private const long OneMegapixel = 1_000_000;

    /// <summary>
    /// The gate and the slots decide at the call: a request that fits is granted before the call returns (a completed
    /// task, which <see cref="Granted"/> checks), one that does not is queued, and only a release or a cancellation
    /// completes it later. So a wrong grant is visible at once and "still waiting" is checked with no sleep; after a
    /// sleep, the check only said the task had not completed within that sleep, whatever the machine's speed.
    /// </summary>
    private static void AssertWaiting(Task waiting) => Assert.False(waiting.IsCompleted, "granted although nothing was released");

    /// <summary>The turn of a request that fits, which must be granted before the call returns.</summary>
    private static IDisposable Granted(ValueTask<IDisposable> turn)
    {
        Assert.True(turn.IsCompletedSuccessfully, "queued although it fits");
        return turn.Result;
    }

    private InferenceScheduler Scheduler(int concurrency, int queue, long pixelBudget = 0, TimeProvider? clock = null)
    {
        var scheduler = new InferenceScheduler(
            Options.Create(new InferenceOptions { MaxConcurrency = concurrency, MaxQueue = queue, MaxDecodedPixels = pixelBudget }),
            _metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            clock ?? TimeProvider.System);
        scheduler.TurnEnded += MemoryHandBack.AfterTurn; // as AddInfrastructure wires it
        return scheduler;
    }
}
