using System.Text.Json.Nodes;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using DomainErrors = FapiHub.Domain.Errors.Errors;

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

/// <summary>
/// Gives every documented error status an example envelope with the error clients most often meet there. The errors
/// come from the catalogue and the bodies from the runtime's own envelope writer, so the document cannot drift from
/// what the server answers (OpenApiDocumentTests checks the committed examples against the catalogue).
/// </summary>
internal sealed class ErrorExamplesOperationFilter : IOperationFilter
{
    /// <summary>A request id of the shape <see cref="RequestIdMiddleware"/> mints, fixed so the document is stable.</summary>
    internal const string ExampleRequestId = "req_7HqZ0c2mYw9TnB1xKp4Ld8Ve";

    internal static readonly IReadOnlyDictionary<string, Error> Examples = new Dictionary<string, Error>(StringComparer.Ordinal)
    {
        ["400"] = DomainErrors.Image.Undecodable("the JPEG data ends before the last row (truncated or damaged)"),
        ["401"] = DomainErrors.Auth.InvalidApiKey,
        ["402"] = DomainErrors.Accounts.InsufficientCredits,
        ["404"] = DomainErrors.General.NotFound("/v2/rembg/unknown"),
        ["413"] = UploadLimit.Error(new LimitsOptions()), // the default limit, as a server with no configuration answers
        ["415"] = DomainErrors.Request.UnsupportedMediaType("application/json"),
        ["429"] = DomainErrors.Accounts.RateLimited(perMinute: 150, retryAfterSeconds: 1),
        ["500"] = DomainErrors.General.Internal,
        ["503"] = DomainErrors.Inference.ServerBusy(retryAfterSeconds: 2),
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        // remove.bg's routes answer in remove.bg's error shape, not the envelope these examples show.
        if (operation.Responses is null
            || context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RemoveBg.RemoveBgEndpointAttribute>().Any())
        {
            return;
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (Examples.TryGetValue(status, out var error)
                && response.Content?.TryGetValue("application/json", out var media) == true
                && media is OpenApiMediaType json)
            {
                json.Example = JsonNode.Parse(ErrorResponses.EnvelopeBytes(error, ExampleRequestId));
            }
        }
    }
}
