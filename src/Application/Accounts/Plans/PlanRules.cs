using FapiHub.Application.Common;
using FluentValidation;

namespace FapiHub.Application.Accounts.Plans;

/// <summary>Validation rules shared by the commands that name a plan.</summary>
internal static class PlanRules
{
    /// <summary>The value must name a configured plan; the message lists them.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeAPlan<T>(this IRuleBuilder<T, string?> rule, PlanCatalog plans) =>
        rule.Must(plan => plans.TryGet(plan, out _))
            .OverridePropertyName("plan")
            .WithMessage((_, plan) => plan is null
                ? $"Field 'plan' must be given: one of {string.Join(", ", plans.Names)}."
                : $"Field 'plan' must be one of {string.Join(", ", plans.Names)}; was '{Echo.Value(plan)}'.");
}
