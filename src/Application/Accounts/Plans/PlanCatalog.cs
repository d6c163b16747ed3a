using System.Globalization;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Microsoft.Extensions.Options;

namespace FapiHub.Application.Accounts.Plans;

/// <summary>The plans keys can be on: FapiHub's published ones by default, adjustable by configuration.</summary>
public sealed class PlanCatalog
{
    /// <summary>Defaults from FapiHub's rate-limit page.</summary>
    private static readonly Plan[] Defaults =
    [
        new("basic", 100, 100),
        new("pro", 7_500, 150),
        new("ultra", 52_000, 180),
        new("mega", 255_000, 210),
        new("payg", null, 120),
    ];

    /// <summary>A token bucket refills PerMinute tokens a window; beyond this a per-minute limit is no limit at all.</summary>
    internal const int MostPerMinute = 1_000_000;

    private readonly Dictionary<string, Plan> _plans = Defaults.ToDictionary(plan => plan.Name, StringComparer.OrdinalIgnoreCase);

    public PlanCatalog(IOptions<PlansOptions> options)
    {
        var failures = new List<string>();
        foreach (var (name, settings) in options.Value.Items)
        {
            var existing = _plans.GetValueOrDefault(name);
            var payAsYouGo = settings.PayAsYouGo ?? existing?.UsesCredits ?? false;
            var quota = payAsYouGo ? null : settings.MonthlyQuota ?? existing?.MonthlyQuota;
            var perMinute = settings.PerMinute ?? existing?.PerMinute;
            if (perMinute is null or < 1 or > MostPerMinute)
            {
                failures.Add($"Plans:{name}:PerMinute must be between 1 and {MostPerMinute} (was {perMinute?.ToString(CultureInfo.InvariantCulture) ?? "not set"}).");
            }

            if (!payAsYouGo && quota is null or < 0)
            {
                failures.Add($"Plans:{name}:MonthlyQuota must be 0 or more, or Plans:{name}:PayAsYouGo true (was {quota?.ToString(CultureInfo.InvariantCulture) ?? "not set"}).");
            }

            if (failures.Count == 0)
            {
                _plans[name] = new Plan(existing?.Name ?? name, quota, perMinute!.Value);
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, failures));
        }

        Names = [.. _plans.Keys.Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<string> Names { get; }

    public bool TryGet(string? name, out Plan plan) =>
        _plans.TryGetValue(name ?? string.Empty, out plan!);

    /// <summary>
    /// The plan a key is served under: the one rule for every place that reads a key's plan (the per-minute limit,
    /// the charge, the usage report). A plan missing from configuration (removed while keys still use it; start-up
    /// refuses that when it can see the store) is the caller's 401, never an exception.
    /// </summary>
    public Result<Plan> ForKey(string? name) =>
        TryGet(name, out var plan) ? plan : DomainErrors.Auth.PlanNotConfigured(name);

    public Plan Get(string name) =>
        _plans.TryGetValue(name, out var plan)
            ? plan
            : throw new KeyNotFoundException($"Plan '{name}' is not configured.");
}
