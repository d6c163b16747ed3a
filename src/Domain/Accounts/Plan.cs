namespace FapiHub.Domain.Accounts;

/// <summary>
/// What a key may do: a monthly quota of images (UTC calendar months) or pay-per-use credits, and a per-minute rate.
/// </summary>
/// <param name="Name">Plan name as configured (<c>basic</c>, <c>pro</c>, …).</param>
/// <param name="MonthlyQuota">Images per month; <c>null</c> for a pay-per-use plan, which has none.</param>
/// <param name="PerMinute">Requests per minute (the token bucket's capacity and refill per window).</param>
public sealed record Plan(string Name, long? MonthlyQuota, int PerMinute)
{
    /// <summary>Pay-per-use: every successful image consumes one credit instead of quota.</summary>
    public bool UsesCredits => MonthlyQuota is null;
}
