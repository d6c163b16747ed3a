using System.Text.Json.Nodes;
using FapiHub.Api.Controllers;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
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
            codeSchema.Enum = [.. ErrorCodes.All.Concat(TransportErrors.Codes).Select(c => (JsonNode)JsonValue.Create(c))];
        }
    }
}

/// <summary>
/// Gives every documented error status an example envelope with the error clients most often meet there on that
/// operation (an image endpoint's 503 is the scheduler's, the usage and admin endpoints' the account store's). The errors
/// come from the catalogues and the bodies from the runtime's own envelope writer, so the document cannot drift from
/// what the server answers (OpenApiDocumentTests checks the committed examples against the catalogue).
/// </summary>
internal sealed class ErrorExamplesOperationFilter : IOperationFilter
{
    /// <summary>A request id of the shape <see cref="RequestIdMiddleware"/> mints, fixed so the document is stable.</summary>
    internal const string ExampleRequestId = "req_7HqZ0c2mYw9TnB1xKp4Ld8Ve";

    /// <summary>The image endpoints: a form upload, admitted by the inference scheduler, charged on success.</summary>
    internal static readonly IReadOnlyDictionary<string, Error> ImageExamples = new Dictionary<string, Error>(StringComparer.Ordinal)
    {
        ["400"] = DomainErrors.Image.Undecodable("the JPEG data ends before the last row (truncated or damaged)"),
        ["401"] = DomainErrors.Auth.InvalidApiKey,
        ["402"] = DomainErrors.Accounts.InsufficientCredits,
        ["404"] = DomainErrors.General.NotFound("/v2/rembg/unknown"),
        ["413"] = UploadLimit.Error(new LimitsOptions()), // the default limit, as a server with no configuration answers
        ["415"] = TransportErrors.UnsupportedMediaType("application/json"),
        ["429"] = DomainErrors.Accounts.RateLimited(perMinute: 150, retryAfterSeconds: 1),
        ["500"] = DomainErrors.General.Internal,
        ["503"] = DomainErrors.Inference.ServerBusy(retryAfterSeconds: 2),
    };

    /// <summary><c>/v2/usage</c>: no inference, so its 503 is the account store's, never the scheduler's.</summary>
    internal static readonly IReadOnlyDictionary<string, Error> UsageExamples = new Dictionary<string, Error>(ImageExamples, StringComparer.Ordinal)
    {
        ["503"] = DomainErrors.Accounts.StoreUnavailable,
    };

    /// <summary>The admin API: JSON bodies, the admin key, keys looked up by id, the account store's 503.</summary>
    internal static readonly IReadOnlyDictionary<string, Error> AdminExamples = new Dictionary<string, Error>(UsageExamples, StringComparer.Ordinal)
    {
        ["400"] = DomainErrors.Request.InvalidField("amount", "Field 'amount' must be a whole number (a JSON number, without quotes or decimals)."),
        ["401"] = DomainErrors.Accounts.InvalidAdminKey,
        ["404"] = DomainErrors.Accounts.NotFound("key_3f9a1c2b7d4e8f60"),
    };

    /// <summary>The examples for the operations of <paramref name="controller"/>: the errors it can really answer.</summary>
    internal static IReadOnlyDictionary<string, Error> ExamplesFor(Type? controller) =>
        controller == typeof(AdminKeysController) ? AdminExamples
        : controller == typeof(UsageController) ? UsageExamples
        : ImageExamples;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        // remove.bg's routes answer in remove.bg's error shape, not the envelope these examples show.
        if (operation.Responses is null
            || context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Protocols.RemoveBg.RemoveBgEndpointAttribute>().Any())
        {
            return;
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (ExamplesFor(context.MethodInfo.DeclaringType).TryGetValue(status, out var error)
                && response.Content?.TryGetValue("application/json", out var media) == true
                && media is OpenApiMediaType json)
            {
                json.Example = JsonNode.Parse(ErrorResponses.EnvelopeBytes(error, ExampleRequestId));
            }
        }
    }
}
