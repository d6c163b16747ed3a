using FapiHub.Api.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FapiHub.Api.Http;

/// <summary>
/// A request without a Content-Type is a 415, like one with the wrong type. <see cref="ConsumesAttribute"/> lets a
/// missing type through (it only refuses types that do not match), so the form binder would then report the
/// missing <c>image</c> field as a 400, which points the client at the wrong fix.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class ContentTypeRequiredAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(context.HttpContext.Request.ContentType))
        {
            context.Result = ErrorResponses.ToActionResult(ErrorResponses.ForStatusCode(context.HttpContext, StatusCodes.Status415UnsupportedMediaType));
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
