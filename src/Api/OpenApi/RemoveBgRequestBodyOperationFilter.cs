using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using FapiHub.Api.Contracts;
using FapiHub.Api.Protocols.RemoveBg;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>
/// Documents the body of <c>POST /v1.0/removebg</c>, which the action reads itself (ApiExplorer sees no parameter): the
/// fields of <see cref="RemoveBgForm"/> in each of remove.bg's three encodings, files in multipart only, with the
/// enumerated values the parser accepts.
/// </summary>
internal sealed class RemoveBgRequestBodyOperationFilter : IOperationFilter
{
    private static readonly Dictionary<string, string[]> Enums = new(StringComparer.Ordinal)
    {
        ["size"] = RemoveBgRequest.Sizes,
        ["type"] = RemoveBgRequest.Types,
        ["type_level"] = RemoveBgRequest.TypeLevels,
        ["format"] = RemoveBgRequest.Formats,
        ["channels"] = RemoveBgRequest.Channels,
        ["shadow_method"] = RemoveBgRequest.ShadowMethods,
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var action = context.ApiDescription;
        if (!string.Equals(action.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase)
            || !action.ActionDescriptor.EndpointMetadata.OfType<RemoveBgEndpointAttribute>().Any())
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "remove.bg's parameters, in any of the three encodings; exactly one of image_file, image_file_b64, image_url.",
            Content = new Dictionary<string, IOpenApiMediaType>(StringComparer.Ordinal)
            {
                ["multipart/form-data"] = new OpenApiMediaType { Schema = Schema(files: true) },
                ["application/x-www-form-urlencoded"] = new OpenApiMediaType { Schema = Schema(files: false) },
                ["application/json"] = new OpenApiMediaType { Schema = Schema(files: false) },
            },
        };
    }

    private static OpenApiSchema Schema(bool files)
    {
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var property in typeof(RemoveBgForm).GetProperties())
        {
            var isFile = property.PropertyType == typeof(IFormFile);
            if (isFile && !files)
            {
                continue;
            }

            var name = property.GetCustomAttribute<FromFormAttribute>()!.Name!;
            var isBoolean = property.PropertyType == typeof(bool?);
            var schema = new OpenApiSchema
            {
                Type = isBoolean ? JsonSchemaType.Boolean : JsonSchemaType.String,
                Format = isFile ? "binary" : null,
                Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description,
            };
            if (property.GetCustomAttribute<DefaultValueAttribute>()?.Value is { } defaultValue)
            {
                schema.Default = defaultValue is bool flag ? JsonValue.Create(flag) : JsonValue.Create(defaultValue.ToString());
            }

            if (Enums.TryGetValue(name, out var values))
            {
                schema.Enum = [.. values.Select(value => (JsonNode)JsonValue.Create(value))];
            }

            properties[name] = schema;
        }

        return new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties };
    }
}
