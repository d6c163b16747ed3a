using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FluentValidation;
using Mediator;

namespace FapiHub.Application.Common.Behaviors;

/// <summary>
/// Runs every FluentValidation validator of the command. A rejected command never reaches the handler (or the
/// credit check after this behavior), so bad requests cost nothing; the rejection is a value, not an exception, and
/// names every field at fault (<see cref="DomainErrors.Request.InvalidFields"/>).
/// </summary>
internal sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
    where TResponse : IFailureFactory<TResponse>
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        // Every failure of every validator, so a client with several bad fields fixes them in one round trip.
        List<Error>? errors = null;
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            foreach (var failure in result.Errors)
            {
                (errors ??= []).Add(DomainErrors.Request.InvalidField(FieldName(failure.PropertyName), failure.ErrorMessage));
            }
        }

        return errors is null ? await next(message, cancellationToken) : TResponse.Failure(DomainErrors.Request.InvalidFields(errors));
    }

    /// <summary>
    /// The wire field of a failure: rules of nested validators (an effect's fields) come prefixed with the property
    /// path ("Effect.bgcolor"), but clients only know the form field.
    /// </summary>
    internal static string FieldName(string propertyName) =>
        propertyName[(propertyName.LastIndexOf('.') + 1)..];
}
