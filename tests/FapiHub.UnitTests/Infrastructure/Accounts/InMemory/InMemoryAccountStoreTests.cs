using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.Infrastructure.Accounts;
using FapiHub.Infrastructure.Accounts.InMemory;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Infrastructure.Accounts.InMemory;

public sealed class InMemoryAccountStoreTests
{
    private const string Period = "202611";
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAccountStore _store;

    public InMemoryAccountStoreTests() =>
        _store = new InMemoryAccountStore(_clock, Options.Create(new AccountStoreOptions { ReservationTimeoutSeconds = 60 }));

    [Fact]
    public async Task Reserve_WhenQuotaWouldBeExceededByOpenHolds_ShouldRefuseUntilOneIsReleased()
    {
        var id = await Create("basic", 0);

        var first = await _store.ReserveAsync(id, Period, 2, default);
        var second = await _store.ReserveAsync(id, Period, 2, default);
        var third = await _store.ReserveAsync(id, Period, 2, default);
        await _store.ReleaseAsync(second.Reservation!, default);
        var fourth = await _store.ReserveAsync(id, Period, 2, default);

        Assert.Equal(
            [ReservationStatus.Reserved, ReservationStatus.Reserved, ReservationStatus.QuotaExhausted, ReservationStatus.Reserved],
            new[] { first.Status, second.Status, third.Status, fourth.Status });
    }

    [Fact]
    public async Task Commit_WhenPayAsYouGo_ShouldChargeOneCreditExactlyOnce()
    {
        var id = await Create("payg", 2);
        var hold = (await _store.ReserveAsync(id, Period, null, default)).Reservation!;

        var committed = await _store.CommitAsync(hold, default);
        var again = await _store.CommitAsync(hold, default);
        await _store.ReleaseAsync(hold, default);

        Assert.Equal(new Settlement(SettlementStatus.Charged, new UsageSnapshot(1, 0, 1)), committed);
        Assert.Equal(Settlement.NotCharged, again);
        Assert.Equal(new UsageSnapshot(1, 0, 1), await _store.GetUsageAsync(id, Period, default));
    }

    [Fact]
    public async Task Reserve_WhenCreditsAreAllHeld_ShouldBeInsufficientCredits()
    {
        var id = await Create("payg", 1);

        var held = await _store.ReserveAsync(id, Period, null, default);
        var refused = await _store.ReserveAsync(id, Period, null, default);

        Assert.Equal(ReservationStatus.Reserved, held.Status);
        Assert.Equal(ReservationStatus.InsufficientCredits, refused.Status);
    }

    [Fact]
    public async Task Commit_WhenTheHoldLapsedBeforeALateCommit_ShouldFreeTheUnitThenChargeTheImageOnceNeverBelowZero()
    {
        var id = await Create("payg", 1);
        var late = (await _store.ReserveAsync(id, Period, null, default)).Reservation!;

        _clock.Advance(TimeSpan.FromSeconds(61));
        var usageAfterLapse = await _store.GetUsageAsync(id, Period, default);
        var other = (await _store.ReserveAsync(id, Period, null, default)).Reservation!;
        var lateCommit = await _store.CommitAsync(late, default);
        var otherCommit = await _store.CommitAsync(other, default);
        var lateAgain = await _store.CommitAsync(late, default);

        Assert.Equal(new UsageSnapshot(0, 0, 1), usageAfterLapse);
        Assert.Equal((SettlementStatus.Charged, SettlementStatus.Charged, SettlementStatus.NotCharged), (lateCommit.Status, otherCommit.Status, lateAgain.Status));
        Assert.Equal(new UsageSnapshot(2, 0, 0), await _store.GetUsageAsync(id, Period, default));
    }

    [Fact]
    public async Task Seed_WhenRepeated_ShouldUpdateNameAndPlanButNeverCreditsOrRevocation()
    {
        var digest = ApiKeys.Digest(ApiKeys.Generate());
        var seeded = await _store.SeedAsync(new NewAccount(digest, "first", "payg", 5), default);
        await _store.AddCreditsAsync(seeded.Id, -3, default);
        await _store.RevokeAsync(seeded.Id, default);

        var reseeded = await _store.SeedAsync(new NewAccount(digest, "renamed", "pro", 5), default);

        Assert.Equal(("renamed", "pro", 2L, true), (reseeded.Name, reseeded.Plan, reseeded.Credits, reseeded.Revoked));
        Assert.Equal(reseeded, await _store.FindByDigestAsync(digest, default));
    }

    [Fact]
    public async Task Reserve_WhenRevokedOrUnknown_ShouldBeAccountMissing()
    {
        var id = await Create("pro", 0);
        await _store.RevokeAsync(id, default);

        Assert.Equal(ReservationStatus.AccountMissing, (await _store.ReserveAsync(id, Period, 10, default)).Status);
        Assert.Equal(ReservationStatus.AccountMissing, (await _store.ReserveAsync("key_none", Period, 10, default)).Status);
    }

    [Fact]
    public async Task AddCredits_WhenCorrectingBelowZero_ShouldClampAtZeroAndSayWhatWasApplied()
    {
        var id = await Create("payg", 2);

        var adjustment = await _store.AddCreditsAsync(id, -5, default);

        Assert.Equal((0L, -2L, 0L), (adjustment!.Account.Credits, adjustment.Applied, adjustment.Held));
        Assert.Null(await _store.AddCreditsAsync("key_none", 5, default));
    }

    [Fact]
    public async Task AddCredits_WhenRemovingCreditsHeldByRequestsInFlight_ShouldKeepThemSoTheBalanceNeverGoesNegative()
    {
        var id = await Create("payg", 3);
        var holds = new List<Reservation>();
        for (var i = 0; i < 3; i++)
        {
            holds.Add((await _store.ReserveAsync(id, Period, null, default)).Reservation!);
        }

        var correction = await _store.AddCreditsAsync(id, -3, default);
        foreach (var hold in holds)
        {
            await _store.CommitAsync(hold, default);
        }

        var topUp = await _store.AddCreditsAsync(id, 2, default);

        Assert.Equal((3L, 0L, 3L), (correction!.Account.Credits, correction.Applied, correction.Held));
        Assert.Equal((2L, 2L), (topUp!.Account.Credits, topUp.Applied));
        Assert.Equal(new UsageSnapshot(3, 0, 2), await _store.GetUsageAsync(id, Period, default));
    }

    private async Task<string> Create(string plan, long credits) =>
        (await _store.CreateAsync(new NewAccount(ApiKeys.Digest(ApiKeys.Generate()), "test", plan, credits), default)).Id;
}
