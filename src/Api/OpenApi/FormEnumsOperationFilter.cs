using System.Text.Json.Nodes;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>
/// Documents the <c>model</c> form field as an enum of the configured catalogue (with its default), so the
/// document always matches what this server accepts, including models an operator added.
/// </summary>
internal sealed class ModelEnumOperationFilter(IModelCatalog catalog) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody?.Content is not { } content)
        {
            return;
        }

        foreach (var media in content.Values)
        {
            if (media.Schema?.Properties is { } properties && properties.TryGetValue("model", out var model) && model is OpenApiSchema schema)
            {
                schema.Enum = [.. catalog.Names.Select(name => (JsonNode)JsonValue.Create(name))];
                schema.Default = JsonValue.Create(catalog.DefaultModel);
            }
        }
    }
}
