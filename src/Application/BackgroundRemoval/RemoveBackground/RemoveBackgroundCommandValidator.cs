using System.Globalization;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Domain.Imaging;
using FluentValidation;
using FluentValidation.Results;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// The invariants of the typed command, whichever protocol built it: an image to work on, a model the catalogue
/// holds, values inside the Domain's ranges, and a format that can carry the result. Wire fields were parsed by the
/// edge, which reports its own field errors first; nothing is parsed here.
/// </summary>
internal sealed class RemoveBackgroundCommandValidator : AbstractValidator<RemoveBackgroundCommand>
{
    public RemoveBackgroundCommandValidator(IModelCatalog catalog) =>
        RuleFor(command => command).Custom((command, context) =>
        {
            foreach (var error in Check(command, catalog))
            {
                context.AddFailure(new ValidationFailure(error.Field, error.Message));
            }
        });

    private static IEnumerable<Error> Check(RemoveBackgroundCommand command, IModelCatalog catalog)
    {
        if (command.Image.IsEmpty)
        {
            yield return RemoveBackgroundErrors.ImageMissing;
        }

        // Exact, not TryResolve: the edge resolved the client's spelling already, so anything else is not a catalogue name.
        if (!catalog.Names.Contains(command.Model, StringComparer.Ordinal))
        {
            yield return RemoveBackgroundErrors.UnknownModel(command.Model, catalog);
        }

        // The ranges a protocol's own fields may map into: an edge that let a value through unchecked gets a 400, not a
        // canvas the size of its mistake. Named by the command's values in the API's snake_case.
        var ranges = command.Effect switch
        {
            BlurEffect blur => [("radius", blur.Radius, BlurEffect.MinRadius, BlurEffect.MaxRadius)],
            ShadowEffect shadow =>
            [
                ("offset_x", shadow.OffsetX, -ShadowEffect.MaxOffset, ShadowEffect.MaxOffset),
                ("offset_y", shadow.OffsetY, -ShadowEffect.MaxOffset, ShadowEffect.MaxOffset),
                ("blur_radius", shadow.BlurRadius, 0, ShadowEffect.MaxBlurRadius),
            ],
            _ => Array.Empty<(string Field, int Value, int Min, int Max)>(),
        };
        (string Field, int Value, int Min, int Max)[] output =
        [
            ("quality", command.Output.Quality, OutputOptions.MinQuality, OutputOptions.MaxQuality),
            ("crop_margin", command.Output.CropMargin, 0, OutputOptions.MaxCropMargin),
        ];
        foreach (var (field, value, min, max) in ranges.Concat(output))
        {
            if (value < min || value > max)
            {
                yield return DomainErrors.Request.InvalidField(
                    field, string.Create(CultureInfo.InvariantCulture, $"Field '{field}' must be an integer from {min} to {max}; was {value}."));
            }
        }

        if (command.Output.Format == OutputFormat.Jpeg && !command.Effect.IsOpaque)
        {
            yield return RemoveBackgroundErrors.TransparentJpeg;
        }
    }
}
