using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FapiHub.Api.OpenApi;

/// <summary>
/// Gives each operation behind <c>[Authorize(AuthenticationSchemes = …)]</c> the matching security requirement
/// (<c>ApiKey</c> or <c>AdminKey</c>), so Swagger UI's "Authorize" sends the right header.
/// </summary>
internal sealed class SecurityRequirementOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        var schemes = metadata.OfType<IAuthorizeData>()
            .SelectMany(a => (a.AuthenticationSchemes ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal);
        foreach (var scheme in schemes)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [],
            });
        }
    }
}
