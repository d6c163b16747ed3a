using FapiHub.Infrastructure.Accounts;

namespace FapiHub.UnitTests.Infrastructure.Accounts;

public sealed class TokenBucketTests
{
    private const double Minute = 60_000;

    [Fact]
    public void Take_WhenBurstingFromFull_ShouldAllowTheLimitThenRefuseWithTheTimeToOneToken()
    {
        double? tokens = null;
        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var (decision, left) = TokenBucket.Take(tokens, 0, 0, 3, Minute);
            Assert.True(decision.Allowed);
            remaining.Add(decision.Remaining);
            tokens = left;
        }

        var (refused, _) = TokenBucket.Take(tokens, 0, 0, 3, Minute);

        Assert.Equal([2, 1, 0], remaining);
        Assert.False(refused.Allowed);
        Assert.Equal(20, refused.RetryAfterSeconds); // 3 per minute: one token every 20 s
        Assert.Equal(60, refused.ResetSeconds);
    }

    [Fact]
    public void Take_WhenTimePasses_ShouldRefillContinuouslyUpToTheLimit()
    {
        var (_, empty) = TokenBucket.Take(0.2, 0, 0, 3, Minute);
        Assert.Equal(0.2, empty, 6); // refused, nothing taken

        var (afterNineteen, _) = TokenBucket.Take(0, 0, 19_000, 3, Minute);
        var (afterTwenty, _) = TokenBucket.Take(0, 0, 20_000, 3, Minute);
        var (afterAnHour, full) = TokenBucket.Take(0, 0, 3_600_000, 3, Minute);

        Assert.False(afterNineteen.Allowed);
        Assert.Equal(1, afterNineteen.RetryAfterSeconds);
        Assert.True(afterTwenty.Allowed);
        Assert.True(afterAnHour.Allowed);
        Assert.Equal(2, full, 6); // capped at the limit before this request took one
    }
}
