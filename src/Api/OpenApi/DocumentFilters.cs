using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>
/// Lists the paths of <see cref="DocumentedWithTrailingSlashAttribute"/> controllers with their trailing slash. Only
/// the document's keys change: ApiExplorer (and so Swashbuckle) always sees the route template without it, because
/// ASP.NET Core trims a template's trailing slash and matches the request path with or without one.
/// </summary>
internal sealed class TrailingSlashPathsDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var slashed = context.ApiDescriptions
            .Where(api => api.ActionDescriptor.EndpointMetadata.OfType<DocumentedWithTrailingSlashAttribute>().Any())
            .Select(api => "/" + api.RelativePath!.Split('?')[0].TrimEnd('/'))
            .ToHashSet(StringComparer.Ordinal);
        if (slashed.Count == 0 || document.Paths is null)
        {
            return;
        }

        // Rebuilt rather than renamed in place, so the paths keep their order in the document.
        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths)
        {
            paths.Add(slashed.Contains(path) ? path + "/" : path, item);
        }

        document.Paths = paths;
    }
}

/// <summary>Describes each tag (the document's sections), for readers of Swagger UI and generated docs.</summary>
internal sealed class TagDescriptionsDocumentFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["Background removal"] =
            "FapiHub's v2 image endpoints: send a photo as `multipart/form-data` (field `image`) with the `ApiKey` header and " +
            "get the result image back. Each successful call consumes one credit or one unit of the monthly quota; " +
            "failed calls are never charged. Every path also works without its trailing slash.",
        ["Account"] = "What the caller's API key has used and has left. Free, and not rate-limited.",
        [Controllers.RemoveBgController.TagName] =
            "remove.bg's API v1.0, wire-compatible: same paths under `/v1.0`, `X-Api-Key` header (the same keys as `ApiKey`), " +
            "multipart, URL-encoded or JSON parameters, the image or `{\"data\":{\"result_b64\"}}` back, and errors as " +
            "`{\"errors\":[{\"title\",\"code\",\"detail\"}]}` with remove.bg's statuses (403 bad key, 402 nothing left to " +
            "spend, 400 bad input or file too large, 429 rate limit). Same models, accounts, limits and charging as the v2 " +
            "routes: one image of quota or one credit per success, nothing on any failure.",
        ["Admin"] =
            "Key administration for the operator, with the `AdminKey` header. These routes exist only when `Admin:ApiKey` " +
            "is configured; otherwise they answer 404.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && Descriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }
    }
}

/// <summary>
/// Marks every property of the response bodies (and the objects inside them) as required: the server always writes
/// them, null included, so generated clients (TypeScript in particular) should not make callers test for a missing
/// <c>error.code</c>. Properties the serializer may omit (<c>[JsonIgnore(Condition = WhenWritingNull)]</c>, such as
/// <c>retry_after</c>) stay optional. Request bodies are untouched: their optional fields really are optional.
/// </summary>
internal sealed class ResponsePropertiesRequiredDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return;
        }

        var pending = new Stack<Type>(context.ApiDescriptions
            .SelectMany(api => api.SupportedResponseTypes)
            .Select(response => response.Type)
            .OfType<Type>());
        var seen = new HashSet<Type>();
        while (pending.TryPop(out var type))
        {
            type = ElementType(type);
            if (!seen.Add(type) || !IsOurs(type)
                || !context.SchemaRepository.TryLookupByType(type, out var reference)
                || reference.Reference.Id is not { } id
                || !schemas.TryGetValue(id, out var found) || found is not OpenApiSchema schema || schema.Properties is null)
            {
                continue;
            }

            var required = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
                var ignore = property.GetCustomAttribute<JsonIgnoreAttribute>();
                if (schema.Properties.ContainsKey(name) && ignore is null or { Condition: JsonIgnoreCondition.Never })
                {
                    required.Add(name);
                }

                pending.Push(property.PropertyType);
            }

            schema.Required = required;
        }
    }

    private static Type ElementType(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            ? element
            : type;

    private static bool IsOurs(Type type) => type.Namespace?.StartsWith("FapiHub.", StringComparison.Ordinal) == true && type.IsClass;
}
