using FluentValidation;

namespace FapiHub.Application.Accounts.AddCredits;

internal sealed class AddCreditsCommandValidator : AbstractValidator<AddCreditsCommand>
{
    public AddCreditsCommandValidator() =>
        RuleFor(c => c.Amount)
            .NotEqual(0).InclusiveBetween(-1_000_000_000, 1_000_000_000)
            .OverridePropertyName("amount")
            .WithMessage("Field 'amount' must be a non-zero integer between -1000000000 and 1000000000.");
}
