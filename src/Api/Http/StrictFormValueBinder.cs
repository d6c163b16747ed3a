using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FapiHub.Api.Http;

/// <summary>
/// Form integers and booleans read strictly. MVC's default converters accept more than a client could mean:
/// <c>radius=0x10</c> was read as 16, and surrounding spaces were dropped. Integers are decimal digits with an optional
/// sign; booleans are <c>true</c> or <c>false</c> (any case). An empty field is an omitted one, as before.
/// </summary>
internal sealed class StrictFormValueBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.BindingInfo.BindingSource != BindingSource.Form)
        {
            return null;
        }

        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        return type == typeof(int) || type == typeof(bool) ? new StrictFormValueBinder(type == typeof(int)) : null;
    }
}

internal sealed class StrictFormValueBinder(bool integer) : IModelBinder
{
    private const int EchoLength = 40;

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var values = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (values == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, values);
        var text = values.FirstValue;
        if (string.IsNullOrEmpty(text))
        {
            bindingContext.Result = ModelBindingResult.Success(null);
            return Task.CompletedTask;
        }

        if (integer ? TryParseInteger(text, out var parsed) : TryParseBoolean(text, out parsed))
        {
            bindingContext.Result = ModelBindingResult.Success(parsed);
            return Task.CompletedTask;
        }

        var was = text.Length <= EchoLength ? text : string.Concat(text.AsSpan(0, EchoLength), "…");
        var message = !integer ? "must be true or false"
            : IsDecimal(text) ? string.Create(CultureInfo.InvariantCulture, $"must be an integer from {int.MinValue} to {int.MaxValue}")
            : "must be a whole number in decimal digits with an optional sign, such as 12 or -3 (no spaces, no 0x)";
        bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"{message}; was '{was}'.");
        bindingContext.Result = ModelBindingResult.Failed();
        return Task.CompletedTask;
    }

    private static bool TryParseInteger(string text, out object? value)
    {
        value = null;
        if (!IsDecimal(text) || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        value = number;
        return true;
    }

    private static bool TryParseBoolean(string text, out object? value)
    {
        value = string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) ? true
            : string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) ? false
            : null;
        return value is not null;
    }

    private static bool IsDecimal(string text)
    {
        var digits = text.AsSpan(text[0] is '+' or '-' ? 1 : 0);
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }
}
