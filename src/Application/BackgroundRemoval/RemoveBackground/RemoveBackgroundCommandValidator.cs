using FapiHub.Application.Abstractions.BackgroundRemoval;
using FluentValidation;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

internal sealed class RemoveBackgroundCommandValidator : AbstractValidator<RemoveBackgroundCommand>
{
    public RemoveBackgroundCommandValidator(IModelCatalog catalog)
    {
        // Property names are overridden with the multipart field names so the message tells the client what to fix.
        RuleFor(c => c.Image.Length)
            .GreaterThan(0)
            .OverridePropertyName("image")
            .WithMessage("The multipart field 'image' is required: send the picture as a non-empty file.");

        RuleFor(c => c.Model)
            .Must(model => catalog.TryResolve(model, out _))
            .OverridePropertyName("model")
            .WithMessage(c => $"Unknown model '{c.Model}' in field 'model'; allowed: {string.Join(", ", catalog.Names)} (default {catalog.DefaultModel}).");
    }
}
