using FapiHub.Domain.Accounts;

namespace FapiHub.UnitTests.Domain;

public sealed class AccountRulesTests
{
    [Theory]
    [InlineData("fh_live_0123456789abcdefghijABCDEFGHIJ01", true)]
    [InlineData("fh_live_0123456789abcdefghijABCDEFGHIJ0", false)]  // 31 characters after the prefix
    [InlineData("fh_test_0123456789abcdefghijABCDEFGHIJ01", false)] // wrong prefix
    [InlineData("fh_live_0123456789abcdefghij-BCDEFGHIJ01", false)] // not base62
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsWellFormed_WhenKeyIsChecked_ShouldRequirePrefixAnd32Base62(string? key, bool expected) =>
        Assert.Equal(expected, ApiKeys.IsWellFormed(key));

    [Fact]
    public void Generate_WhenCalled_ShouldReturnDistinctWellFormedKeys()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ApiKeys.Generate()).ToHashSet();

        Assert.Equal(100, keys.Count);
        Assert.All(keys, key => Assert.True(ApiKeys.IsWellFormed(key)));
    }

    [Fact]
    public void IdFromDigest_WhenKeyIsTheSame_ShouldBeStableAndRevealNoKey()
    {
        const string Key = "fh_live_0123456789abcdefghijABCDEFGHIJ01";
        var id = ApiKeys.IdFromDigest(ApiKeys.Digest(Key));

        Assert.Equal(id, ApiKeys.IdFromDigest(ApiKeys.Digest(Key)));
        Assert.Matches("^key_[0-9a-f]{16}$", id);
    }

    [Fact]
    public void BillingPeriod_WhenMidMonth_ShouldResetAtTheFirstOfNextMonthUtc()
    {
        var now = new DateTimeOffset(2026, 12, 31, 23, 59, 30, TimeSpan.FromHours(-5)); // already January 1st in UTC

        Assert.Equal("202701", BillingPeriod.Key(now));
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.Zero), BillingPeriod.NextReset(now));
        Assert.Equal(1, BillingPeriod.SecondsToReset(new DateTimeOffset(2026, 11, 30, 23, 59, 59, 900, TimeSpan.Zero)));
    }
}
