using FluentValidation;
using FluentValidation.Results;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// The pipeline's view of <see cref="RemoveBackgroundRequestParser"/>: its field errors as validation failures named by
/// the form field, so the validation behavior answers 400 before the credit check, as for every other command.
/// </summary>
internal sealed class RemoveBackgroundCommandValidator : AbstractValidator<RemoveBackgroundCommand>
{
    public RemoveBackgroundCommandValidator(RemoveBackgroundRequestParser parser) =>
        RuleFor(command => command).Custom((command, context) =>
        {
            foreach (var error in parser.Validate(command))
            {
                context.AddFailure(new ValidationFailure(error.Field, error.Message));
            }
        });
}
