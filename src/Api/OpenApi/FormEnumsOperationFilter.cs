using System.Text.Json.Nodes;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>
/// Documents the enumerated form fields: <c>model</c> as the configured catalogue (with its default), so the document
/// always matches what this server accepts, including models an operator added; <c>format</c> as png/webp/jpg.
/// </summary>
internal sealed class FormEnumsOperationFilter(IModelCatalog catalog) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        foreach (var media in content.Values)
        {
            if (media.Schema?.Properties is not { } properties)
            {
                continue;
            }

            if (properties.TryGetValue("model", out var model) && model is OpenApiSchema modelSchema)
            {
                modelSchema.Enum = [.. catalog.Names.Select(name => (JsonNode)JsonValue.Create(name))];
                modelSchema.Default = JsonValue.Create(catalog.DefaultModel);
            }

            if (properties.TryGetValue("format", out var format) && format is OpenApiSchema formatSchema)
            {
                formatSchema.Enum = [JsonValue.Create("png"), JsonValue.Create("webp"), JsonValue.Create("jpg")];
            }
        }
    }
}
