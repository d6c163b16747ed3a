namespace FapiHub.Application.Accounts.Plans;

/// <summary>
/// Plan settings from configuration (<c>Plans:&lt;name&gt;:MonthlyQuota</c>, <c>:PerMinute</c>, <c>:PayAsYouGo</c>).
/// Each configured field overrides the built-in default of that plan; a new name defines a new plan.
/// </summary>
public sealed class PlansOptions
{
    public const string SectionName = "Plans";

    public Dictionary<string, PlanSettings> Items { get; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class PlanSettings
{
    public long? MonthlyQuota { get; set; }

    public int? PerMinute { get; set; }

    /// <summary>True for a pay-per-use plan: no monthly quota, one credit per successful image.</summary>
    public bool? PayAsYouGo { get; set; }
}

/// <summary>The token bucket's window (section <c>RateLimiting</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>
    /// Length of the "minute" in seconds: a plan's PerMinute tokens refill over this window. 60 in production;
    /// tests shorten it so a refill takes milliseconds.
    /// </summary>
    public double WindowSeconds { get; set; } = 60;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
