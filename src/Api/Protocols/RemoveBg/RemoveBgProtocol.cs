namespace FapiHub.Api.Protocols.RemoveBg;

/// <summary>
/// Which wire protocol a request speaks: remove.bg's under <see cref="BasePath"/>, FapiHub's everywhere else. By the
/// endpoint's metadata where routing found one, else by path, because the answers that matter most here (no route,
/// an over-size body, a bad key) can come before or without an endpoint.
/// </summary>
internal static class RemoveBgProtocol
{
    public const string BasePath = "/v1.0";

    public static bool Speaks(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint()?.Metadata.GetMetadata<RemoveBgEndpointAttribute>() is not null
            || context.Request.Path.StartsWithSegments(BasePath, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Marks the endpoints that answer in remove.bg's protocol (MVC copies it into the endpoint's metadata).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class RemoveBgEndpointAttribute : Attribute;
