using System.Globalization;

namespace FapiHub.Domain.Accounts;

/// <summary>Monthly quotas run in UTC calendar months.</summary>
public static class BillingPeriod
{
    /// <summary>The period's key, e.g. <c>202611</c>.</summary>
    public static string Key(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    /// <summary>Midnight UTC on the first day of the next month: when the quota resets.</summary>
    public static DateTimeOffset NextReset(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
    }

    /// <summary>Whole seconds until <see cref="NextReset"/>, at least 1.</summary>
    public static int SecondsToReset(DateTimeOffset now) =>
        (int)Math.Max(1, Math.Ceiling((NextReset(now) - now).TotalSeconds));
}
