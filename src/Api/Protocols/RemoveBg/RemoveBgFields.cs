using System.Globalization;
using System.Text.Json;
using FapiHub.Domain.Common;

namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>
/// The parameters of one <c>POST /v1.0/removebg</c> as text, whichever of remove.bg's three encodings carried them
/// (multipart form, URL-encoded form, JSON object), plus the uploaded files of a multipart form. Names are matched
/// exactly (remove.bg's are lower case); an empty value counts as not given, as remove.bg's forms treat it.
/// </summary>
internal sealed class RemoveBgFields
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IFormFile> _files = new(StringComparer.Ordinal);

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    public IFormFile? File(string name) => _files.TryGetValue(name, out var file) ? file : null;

    public bool Has(string name) => _values.ContainsKey(name) || _files.ContainsKey(name);

    /// <summary>The fields, or the error that says why the body is none of the three encodings.</summary>
    public static async Task<Result<RemoveBgFields>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fields = new RemoveBgFields();
        if (request.HasFormContentType)
        {
            // Multipart or URL-encoded; the form reader's own failures (broken boundary, a body cut short) surface as
            // exceptions the exception handler answers, in this protocol's shape.
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (name, value) in form)
            {
                fields.Add(name, value.ToString());
            }

            foreach (var file in form.Files)
            {
                if (file.Length > 0)
                {
                    fields._files.TryAdd(file.Name, file);
                }
            }

            return fields;
        }

        if (request.ContentType is { } contentType && IsJson(contentType))
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
                if (json.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return RemoveBgErrors.MalformedJson("the body must be one JSON object.");
                }

                foreach (var property in json.RootElement.EnumerateObject())
                {
                    switch (property.Value.ValueKind)
                    {
                        case JsonValueKind.String:
                            fields.Add(property.Name, property.Value.GetString()!);
                            break;
                        case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number:
                            // remove.bg's JSON clients send crop, add_shadow and friends as booleans, sizes as numbers.
                            fields.Add(property.Name, property.Value.GetRawText());
                            break;
                        case JsonValueKind.Null:
                            break; // an SDK's unset option: not given
                        default:
                            return RemoveBgErrors.Invalid(
                                property.Name, $"Parameter '{property.Name}' must be a string, a number or a boolean, not a JSON {property.Value.ValueKind.ToString().ToLowerInvariant()}.");
                    }
                }

                return fields;
            }
            catch (JsonException ex)
            {
                return RemoveBgErrors.MalformedJson(string.Create(
                    CultureInfo.InvariantCulture, $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}."));
            }
        }

        return RemoveBgErrors.UnreadableBody(request.ContentType);
    }

    private void Add(string name, string value)
    {
        if (value.Length > 0)
        {
            _values[name] = value;
        }
    }

    private static bool IsJson(string contentType) =>
        contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));
}
