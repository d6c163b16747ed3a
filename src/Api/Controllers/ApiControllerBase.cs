using FapiHub.Api.Errors;
using FapiHub.Domain.Common;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Controllers;

/// <summary>Base of every API controller: failures leave through <see cref="ErrorResponses"/>.</summary>
[ApiController]
public abstract class ApiControllerBase : ControllerBase
{
    /// <summary>The envelope response for an expected failure.</summary>
    protected static IActionResult Failure(Error error) => ErrorResponses.ToActionResult(error);

    /// <summary>200 with the value as JSON, or the envelope.</summary>
    protected IActionResult Reply<T>(Result<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.IsSuccess ? Ok(result.Value) : Failure(result.Error!);
    }
}
