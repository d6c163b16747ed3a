using FapiHub.Application.Accounts.Plans;
using Microsoft.Extensions.Options;

namespace FapiHub.UnitTests.Application.Accounts.Plans;

public sealed class PlanCatalogTests
{
    [Fact]
    public void Get_WhenNothingIsConfigured_ShouldServeFapiHubsPublishedPlans()
    {
        var plans = new PlanCatalog(Options.Create(new PlansOptions()));

        Assert.Equal((100L, 100), (plans.Get("basic").MonthlyQuota!.Value, plans.Get("basic").PerMinute));
        Assert.Equal((7_500L, 150), (plans.Get("pro").MonthlyQuota!.Value, plans.Get("pro").PerMinute));
        Assert.Equal((52_000L, 180), (plans.Get("ultra").MonthlyQuota!.Value, plans.Get("ultra").PerMinute));
        Assert.Equal((255_000L, 210), (plans.Get("mega").MonthlyQuota!.Value, plans.Get("mega").PerMinute));
        Assert.True(plans.Get("payg").UsesCredits);
        Assert.Equal(120, plans.Get("payg").PerMinute);
    }

    [Fact]
    public void Get_WhenConfigurationOverridesAFieldOrAddsAPlan_ShouldMergeWithTheDefaults()
    {
        var options = new PlansOptions();
        options.Items["PRO"] = new PlanSettings { PerMinute = 5 };
        options.Items["tiny"] = new PlanSettings { MonthlyQuota = 2, PerMinute = 1 };

        var plans = new PlanCatalog(Options.Create(options));

        Assert.Equal((7_500L, 5), (plans.Get("pro").MonthlyQuota!.Value, plans.Get("pro").PerMinute));
        Assert.Equal("pro", plans.Get("Pro").Name);
        Assert.Equal(2, plans.Get("tiny").MonthlyQuota);
        Assert.Contains("tiny", plans.Names);
    }

    [Fact]
    public void Constructor_WhenANewPlanLacksItsLimits_ShouldThrowNamingIt()
    {
        var options = new PlansOptions();
        options.Items["broken"] = new PlanSettings { MonthlyQuota = 10 };

        var error = Assert.Throws<InvalidOperationException>(() => new PlanCatalog(Options.Create(options)));
        Assert.Contains("Plans:broken", error.Message, StringComparison.Ordinal);
    }
}
