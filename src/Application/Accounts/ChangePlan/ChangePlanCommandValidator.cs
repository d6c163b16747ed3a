using FapiHub.Application.Accounts.Plans;
using FluentValidation;

namespace FapiHub.Application.Accounts.ChangePlan;

internal sealed class ChangePlanCommandValidator : AbstractValidator<ChangePlanCommand>
{
    public ChangePlanCommandValidator(PlanCatalog plans) =>
        RuleFor(c => c.Plan)
            .Must(plan => plans.TryGet(plan, out _))
            .OverridePropertyName("plan")
            .WithMessage(c => $"Unknown plan '{c.Plan}' in field 'plan'; allowed: {string.Join(", ", plans.Names)}.");
}
