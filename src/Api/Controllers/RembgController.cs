using FapiHub.Api.Authentication;
using FapiHub.Api.Contracts;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Domain.BackgroundRemoval;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Controllers;

/// <summary>FapiHub's v2 background-removal endpoints. Binds the form into a command; the pipeline does the rest.</summary>
[Route("v2/rembg")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[PerMinuteRateLimit]
[Tags("Background removal")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status402PaymentRequired, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status413PayloadTooLarge, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status415UnsupportedMediaType, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status500InternalServerError, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable, "application/json")]
public sealed class RembgController(ISender sender) : ApiControllerBase
{
    /// <summary>Remove the background.</summary>
    /// <remarks>Returns the photo as a PNG with an alpha channel: the subject opaque, the background transparent. Same size as the (EXIF-oriented) input.</remarks>
    [HttpPost]
    [Consumes("multipart/form-data")]
    [ProducesResponseType<FileContentResult>(StatusCodes.Status200OK, "image/png")]
    public Task<IActionResult> RemoveBackground([FromForm] RemoveBackgroundForm form, CancellationToken cancellationToken) =>
        Send(form, OutputKind.Cutout, cancellationToken);

    /// <summary>Predict the mask.</summary>
    /// <remarks>Returns the alpha matte as an 8-bit grayscale PNG: white = subject, black = background. Same size as the (EXIF-oriented) input.</remarks>
    [HttpPost("mask")]
    [Consumes("multipart/form-data")]
    [ProducesResponseType<FileContentResult>(StatusCodes.Status200OK, "image/png")]
    public Task<IActionResult> Mask([FromForm] RemoveBackgroundForm form, CancellationToken cancellationToken) =>
        Send(form, OutputKind.Mask, cancellationToken);

    private async Task<IActionResult> Send(RemoveBackgroundForm form, OutputKind output, CancellationToken cancellationToken)
    {
        using var upload = await UploadedFile.ReadAsync(form.Image, cancellationToken);
        var result = await sender.Send(new RemoveBackgroundCommand(upload.Memory, form.Model, output), cancellationToken);
        return result.IsSuccess ? File(result.Value.Content, result.Value.ContentType) : Failure(result.Error!);
    }
}
