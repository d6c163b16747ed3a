using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>
/// Marks every request body as required: no operation that takes one works without it (a missing multipart form is a
/// 400 or 415, a missing admin JSON body a 415), and Swashbuckle leaves multipart bodies optional, which made generated
/// clients (openapi-typescript: <c>requestBody?:</c>) accept a call with no photo at all.
/// </summary>
internal sealed class RequestBodyRequiredOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody is OpenApiRequestBody body)
        {
            body.Required = true;
        }
    }
}
