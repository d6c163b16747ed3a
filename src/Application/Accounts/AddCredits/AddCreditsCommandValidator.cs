using System.Globalization;
using FluentValidation;

namespace FapiHub.Application.Accounts.AddCredits;

internal sealed class AddCreditsCommandValidator : AbstractValidator<AddCreditsCommand>
{
    internal const long MostAmount = 1_000_000_000;

    // One rule, one message in the house form: chained rules would each need their own message, and the first one
    // without it answered FluentValidation's default ("'amount' must not be equal to '0'.").
    public AddCreditsCommandValidator() =>
        RuleFor(c => c.Amount)
            .Must(amount => amount is not 0 and >= -MostAmount and <= MostAmount)
            .OverridePropertyName("amount")
            .WithMessage((_, amount) => string.Create(
                CultureInfo.InvariantCulture,
                $"Field 'amount' must be a non-zero whole number from {-MostAmount} to {MostAmount}; was {(amount == 0 ? "0 or missing" : amount)}."));
}
