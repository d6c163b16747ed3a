using FapiHub.Application.Accounts.Plans;
using FluentValidation;

namespace FapiHub.Application.Accounts.ChangePlan;

internal sealed class ChangePlanCommandValidator : AbstractValidator<ChangePlanCommand>
{
    public ChangePlanCommandValidator(PlanCatalog plans) =>
        RuleFor(c => c.Plan).MustBeAPlan(plans);
}
