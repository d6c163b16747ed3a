using System.Runtime.CompilerServices;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>A request once parsed: the catalogue model it resolved to, the domain effect and the delivery options.</summary>
public sealed record ParsedRemoveBackground(string Model, Effect Effect, OutputOptions Output);

/// <summary>
/// The one parse step of <see cref="RemoveBackgroundCommand"/> (ADR 14): every field checked once, every error named
/// by its form field. The validator reports its errors; the handler takes the value it produced for the same command.
/// </summary>
internal sealed class RemoveBackgroundRequestParser(IModelCatalog catalog)
{
    // Keyed by the command instance (reference identity, not record equality) and held weakly: a command that the
    // pipeline drops after validation (refused by the credit check, cancelled) takes its entry with it.
    private readonly ConditionalWeakTable<RemoveBackgroundCommand, ParsedRemoveBackground> _parsed = new();

    /// <summary>Every field error in form order, empty when the command is valid; a valid command's parse is kept for <see cref="Take"/>.</summary>
    public IReadOnlyList<Error> Validate(RemoveBackgroundCommand command)
    {
        var errors = new List<Error>();
        if (Parse(command, errors) is { } parsed)
        {
            _parsed.AddOrUpdate(command, parsed);
        }

        return errors;
    }

    /// <summary>
    /// The parse <see cref="Validate"/> kept for this command (and forgets it), or a fresh parse for a command that did
    /// not come through validation; then the first error, as the validation behavior would report it.
    /// </summary>
    public Result<ParsedRemoveBackground> Take(RemoveBackgroundCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_parsed.TryGetValue(command, out var kept))
        {
            _parsed.Remove(command);
            return kept;
        }

        var errors = new List<Error>();
        return Parse(command, errors) is { } parsed ? parsed : errors[0];
    }

    private ParsedRemoveBackground? Parse(RemoveBackgroundCommand command, List<Error> errors)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Image.IsEmpty)
        {
            errors.Add(FormField.Invalid("image", "Field 'image' must be given: send the picture as a non-empty file in this multipart field."));
        }

        if (!catalog.TryResolve(command.Model, out var model))
        {
            errors.Add(FormField.Invalid(
                "model",
                $"Field 'model' must be one of {string.Join(", ", catalog.Names)} (default {catalog.DefaultModel}); was '{Echo.Value(command.Model)}'."));
        }

        var effect = command.Effect.Parse(errors);
        var output = command.Output.Parse(errors);

        // JPEG has no alpha channel: refuse rather than silently flatten a transparent result onto black. Only asked
        // of an effect and options that parsed, so a client is not told about transparency before a typo.
        if (effect is not null && output is not null && output.Format == OutputFormat.Jpeg && !effect.IsOpaque)
        {
            errors.Add(FormField.Invalid(
                "format",
                "Field 'format' must be png or webp for this result: jpg cannot hold transparency and this result has a transparent background (or choose an opaque colour)."));
        }

        return errors.Count == 0 ? new ParsedRemoveBackground(model, effect!, output!) : null;
    }
}
