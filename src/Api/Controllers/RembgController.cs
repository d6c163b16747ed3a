using System.Globalization;
using FapiHub.Api.Authentication;
using FapiHub.Api.Contracts;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Api.OpenApi;
using FapiHub.Api.Protocols.FapiHubV2;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Controllers;

/// <summary>
/// FapiHub's v2 image endpoints. Each action binds its form, <see cref="FapiHubV2FormMapping"/> turns it into the one
/// typed <see cref="RemoveBackgroundCommand"/> (or every field error at once), and the pipeline does the rest. <c>model</c> is bound only where FapiHub supports it (/rembg and /mask);
/// on the effect endpoints a <c>model</c> field is ignored, as the hosted API does, so clients that always send it keep
/// working.
/// </summary>
[Route("v2/rembg")]
[DocumentedWithTrailingSlash]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[AdmissionGate]
[PerMinuteRateLimit]
[Tags("Background removal")]
[Consumes("multipart/form-data")]
[ContentTypeRequired]
[ProducesResponseType<FileContentResult>(StatusCodes.Status200OK, "image/png", "image/webp", "image/jpeg")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status402PaymentRequired, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status413PayloadTooLarge, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status415UnsupportedMediaType, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status500InternalServerError, "application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status503ServiceUnavailable, "application/json")]
public sealed class RembgController(ISender sender, FapiHubV2FormMapping mapping) : ApiControllerBase
{
    /// <summary>Remove the background.</summary>
    /// <remarks>The photo with a transparent background (RGBA, straight alpha), the size of the (EXIF-oriented) input unless crop=true.</remarks>
    [HttpPost]
    public Task<IActionResult> RemoveBackground([FromForm] RemoveBackgroundForm form, CancellationToken cancellationToken) =>
        Send(form.Image, image => mapping.Cutout(form, image), cancellationToken);

    /// <summary>Predict the mask.</summary>
    /// <remarks>The alpha matte as 8-bit grayscale: white = subject, black = background.</remarks>
    [HttpPost("mask")]
    public Task<IActionResult> Mask([FromForm] RemoveBackgroundForm form, CancellationToken cancellationToken) =>
        Send(form.Image, image => mapping.Mask(form, image), cancellationToken);

    /// <summary>Blur the background.</summary>
    /// <remarks>The subject stays sharp; the background is Gaussian-blurred without the subject's colours bleeding into it. Opaque.</remarks>
    [HttpPost("blur")]
    public Task<IActionResult> Blur([FromForm] BlurForm form, CancellationToken cancellationToken) =>
        Send(form.Image, image => mapping.Blur(form, image), cancellationToken);

    /// <summary>Replace the background with a colour.</summary>
    /// <remarks>The subject over a solid <c>bgcolor</c> (e.g. <c>255, 140, 0</c> or <c>#FF8C00</c>); an alpha below 255 keeps the background see-through.</remarks>
    [HttpPost("color")]
    public Task<IActionResult> Color([FromForm] ColorForm form, CancellationToken cancellationToken) =>
        Send(form.Image, image => mapping.Color(form, image), cancellationToken);

    /// <summary>Replace the background with a vertical gradient.</summary>
    /// <remarks>The subject over a linear gradient from <c>top_color</c> to <c>bottom_color</c> (same colour forms as <c>bgcolor</c>).</remarks>
    [HttpPost("gradient")]
    public Task<IActionResult> Gradient([FromForm] GradientForm form, CancellationToken cancellationToken) =>
        Send(form.Image, image => mapping.Gradient(form, image), cancellationToken);

    /// <summary>Cut out with a drop shadow.</summary>
    /// <remarks>Transparent background with a soft shadow; the canvas grows where needed so the shadow is not clipped.</remarks>
    [HttpPost("shadow")]
    public Task<IActionResult> Shadow([FromForm] ShadowForm form, CancellationToken cancellationToken) =>
        Send(form.Image, image => mapping.Shadow(form, image), cancellationToken);

    private async Task<IActionResult> Send(IFormFile? upload, Func<ReadOnlyMemory<byte>, Result<RemoveBackgroundCommand>> map, CancellationToken cancellationToken)
    {
        var command = map(await UploadedFile.ReadAsync(upload, cancellationToken));
        if (!command.IsSuccess)
        {
            return Failure(command.Error!);
        }

        var result = await sender.Send(command.Value, cancellationToken);
        if (!result.IsSuccess)
        {
            return Failure(result.Error!);
        }

        Response.Headers["X-Inference-Ms"] = result.Value.ModelTime.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);
        ForegroundHeaders.Write(Response, result.Value.Foreground);
        if (result.Value.Charge is { } charge)
        {
            Report(charge);
        }

        // The pooled bytes go back once the response is written (or abandoned).
        Response.RegisterForDispose(result.Value.Content);
        return File(result.Value.Content.OpenRead(), result.Value.ContentType);
    }

    /// <summary>The credit check's receipt as headers; a remaining count unknown (a commit queued while the store is away) is left out.</summary>
    private void Report(ChargeReceipt charge)
    {
        Response.Headers["X-Credits-Charged"] = charge.Charged.ToString(CultureInfo.InvariantCulture);
        if (charge.QuotaRemaining is { } quota)
        {
            Response.Headers["X-Quota-Remaining"] = quota.ToString(CultureInfo.InvariantCulture);
        }

        if (charge.CreditsRemaining is { } credits)
        {
            Response.Headers["X-Credits-Remaining"] = credits.ToString(CultureInfo.InvariantCulture);
        }
    }
}
