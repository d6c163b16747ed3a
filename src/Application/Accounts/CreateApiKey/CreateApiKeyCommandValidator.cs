using System.Buffers;
using System.Globalization;
using System.Text;
using FapiHub.Application.Accounts.Plans;
using FluentValidation;

namespace FapiHub.Application.Accounts.CreateApiKey;

internal sealed class CreateApiKeyCommandValidator : AbstractValidator<CreateApiKeyCommand>
{
    public CreateApiKeyCommandValidator(PlanCatalog plans)
    {
        RuleFor(c => c.Name)
            .Must(name => !string.IsNullOrWhiteSpace(name) && name.Length <= 100)
            .OverridePropertyName("name")
            .WithMessage((_, name) => string.IsNullOrWhiteSpace(name)
                ? "Field 'name' must be given: 1 to 100 characters."
                : string.Create(CultureInfo.InvariantCulture, $"Field 'name' must be 1 to 100 characters; was {name.Length}."));
        RuleFor(c => c.Name)
            .Must(name => name is null || IsPrintable(name))
            .OverridePropertyName("name")
            .WithMessage("Field 'name' must be printable text: no control characters (such as NUL or line breaks), invisible formatting or bidirectional override characters (such as U+202E), or broken surrogates.");
        RuleFor(c => c.Plan).MustBeAPlan(plans);
        RuleFor(c => c.Credits)
            .InclusiveBetween(0, 1_000_000_000)
            .OverridePropertyName("credits")
            .WithMessage((_, credits) => string.Create(CultureInfo.InvariantCulture, $"Field 'credits' must be a whole number from 0 to 1000000000; was {credits}."));
    }

    /// <summary>
    /// A name is shown to operators (admin listings, logs, dashboards). Control characters can break or forge lines
    /// there, and format characters (bidi overrides and isolates, zero-width characters) can make a name read as
    /// something it is not, so only visible characters and plain spaces are kept.
    /// </summary>
    internal static bool IsPrintable(string name)
    {
        var rest = name.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return false; // an unpaired surrogate
            }

            if (Rune.GetUnicodeCategory(rune)
                is UnicodeCategory.Control // C0 and C1, NUL, tab, CR, LF, DEL
                or UnicodeCategory.Format // U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF, tags, …
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }
}
