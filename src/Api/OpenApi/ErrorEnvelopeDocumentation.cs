using System.Text.Json.Nodes;
using FapiHub.Api.Errors;
using FapiHub.Domain.Errors;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>Lists every <c>error.code</c> as an enum on the envelope's schema, so generated clients can switch on it.</summary>
internal sealed class ErrorCodeSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type == typeof(ErrorBody) && schema.Properties?.TryGetValue("code", out var code) == true && code is OpenApiSchema codeSchema)
        {
            codeSchema.Enum = [.. ErrorCodes.All.Select(c => (JsonNode)JsonValue.Create(c))];
        }
    }
}

/// <summary>Gives every documented error status an example envelope with the code clients most often meet there.</summary>
internal sealed class ErrorExamplesOperationFilter : IOperationFilter
{
    private static readonly Dictionary<string, (string Code, string Message, int? RetryAfter)> Examples = new(StringComparer.Ordinal)
    {
        ["400"] = (ErrorCodes.InvalidImage, "The field 'image' is not a decodable image: the JPEG data ends before the last row (truncated or damaged). Send a complete JPEG, PNG, WebP, BMP or GIF file.", null),
        ["401"] = (ErrorCodes.InvalidApiKey, "Missing or invalid API key; send it in the 'ApiKey' header.", null),
        ["402"] = (ErrorCodes.InsufficientCredits, "This pay-per-use key has no credits left; top it up to continue.", null),
        ["404"] = (ErrorCodes.NotFound, "No endpoint at '/v2/rembg/unknown'.", null),
        ["413"] = (ErrorCodes.FileTooLarge, "The request body is larger than the limit of 10485760 bytes.", null),
        ["415"] = (ErrorCodes.UnsupportedMediaType, "Content-Type 'application/json' is not supported; send multipart/form-data with the image in the field 'image'.", null),
        ["429"] = (ErrorCodes.RateLimitExceeded, "Rate limit of 150 requests per minute exceeded; retry in 1 s.", 1),
        ["500"] = (ErrorCodes.InternalError, "An unexpected error occurred; it has been logged. Quote the request_id when reporting it.", null),
        ["503"] = (ErrorCodes.ServerBusy, "All inference slots and the queue are full; retry shortly.", 2),
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.Responses is null)
        {
            return;
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (Examples.TryGetValue(status, out var example)
                && response.Content?.TryGetValue("application/json", out var media) == true
                && media is OpenApiMediaType json)
            {
                var body = new JsonObject
                {
                    ["code"] = example.Code,
                    ["message"] = example.Message,
                    ["request_id"] = "req_7HqZ0c2mYw9TnB1xKp4Ld8Ve",
                };
                if (example.RetryAfter is { } seconds)
                {
                    body["retry_after"] = seconds;
                }

                json.Example = new JsonObject { ["error"] = body };
            }
        }
    }
}
