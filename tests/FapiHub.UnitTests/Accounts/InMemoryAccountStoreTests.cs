using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Domain.Accounts;
using FapiHub.Infrastructure.Accounts;
using FapiHub.Infrastructure.Accounts.InMemory;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Accounts;

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

        Assert.Equal(new UsageSnapshot(1, 0, 1), committed);
        Assert.Null(again);
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
    public async Task Commit_WhenTheHoldLapsed_ShouldChargeNothingAndFreeTheUnit()
    {
        var id = await Create("payg", 1);
        var hold = (await _store.ReserveAsync(id, Period, null, default)).Reservation!;

        _clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Null(await _store.CommitAsync(hold, default));
        Assert.Equal(new UsageSnapshot(0, 0, 1), await _store.GetUsageAsync(id, Period, default));
        Assert.Equal(ReservationStatus.Reserved, (await _store.ReserveAsync(id, Period, null, default)).Status);
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
    public async Task AddCredits_WhenCorrectingBelowZero_ShouldClampAtZero()
    {
        var id = await Create("payg", 2);

        var account = await _store.AddCreditsAsync(id, -5, default);

        Assert.Equal(0, account!.Credits);
        Assert.Null(await _store.AddCreditsAsync("key_none", 5, default));
    }

    private async Task<string> Create(string plan, long credits) =>
        (await _store.CreateAsync(new NewAccount(ApiKeys.Digest(ApiKeys.Generate()), "test", plan, credits), default)).Id;
}
