using FapiHub.Application.Accounts.Plans;
using FluentValidation;

namespace FapiHub.Application.Accounts.CreateApiKey;

internal sealed class CreateApiKeyCommandValidator : AbstractValidator<CreateApiKeyCommand>
{
    public CreateApiKeyCommandValidator(PlanCatalog plans)
    {
        RuleFor(c => c.Name)
            .NotEmpty().MaximumLength(100)
            .OverridePropertyName("name")
            .WithMessage("Field 'name' is required (1 to 100 characters).");
        RuleFor(c => c.Plan).MustBeAPlan(plans);
        RuleFor(c => c.Credits)
            .InclusiveBetween(0, 1_000_000_000)
            .OverridePropertyName("credits")
            .WithMessage("Field 'credits' must be between 0 and 1000000000.");
    }
}
