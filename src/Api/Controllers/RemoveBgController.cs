using System.Globalization;
using System.Security.Claims;
using FapiHub.Api.Authentication;
using FapiHub.Api.Contracts;
using FapiHub.Api.Http;
using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Application.Accounts.GetUsage;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Controllers;

/// <summary>
/// remove.bg's API v1.0, a second adapter over the same core: its parameters are read into the one
/// <see cref="RemoveBackgroundCommand"/> (same models, accounts, limits and charging as <c>/v2/rembg/</c>), and the
/// answer is written in remove.bg's shape (the base's failures leave through ErrorResponses, which hands a remove.bg
/// request's errors to <see cref="RemoveBgErrorResponses"/>). A remove.bg client switches by changing only its base URL.
/// </summary>
[Route("v1.0")]
[RemoveBgEndpoint]
[Authorize(AuthenticationSchemes = RemoveBgKeyAuthenticationHandler.SchemeName)]
[Tags(TagName)]
[ProducesResponseType<RemoveBgErrorBody>(StatusCodes.Status400BadRequest, "application/json")]
[ProducesResponseType<RemoveBgErrorBody>(StatusCodes.Status403Forbidden, "application/json")]
[ProducesResponseType<RemoveBgErrorBody>(StatusCodes.Status429TooManyRequests, "application/json")]
[ProducesResponseType<RemoveBgErrorBody>(StatusCodes.Status500InternalServerError, "application/json")]
[ProducesResponseType<RemoveBgErrorBody>(StatusCodes.Status503ServiceUnavailable, "application/json")]
public sealed class RemoveBgController(ISender sender, IImageUrlFetcher fetcher, IModelCatalog catalog, IOptions<LimitsOptions> limits) : ApiControllerBase
{
    public const string TagName = "remove.bg compatible";

    /// <summary>Remove the background (remove.bg API v1.0).</summary>
    /// <remarks>
    /// remove.bg's parameters in multipart/form-data, x-www-form-urlencoded or JSON; exactly one of image_file,
    /// image_file_b64, image_url. The result image with X-Type, X-Width, X-Height, X-Foreground-* and X-Credits-Charged,
    /// or with <c>Accept: application/json</c> the same as base64 in <c>data.result_b64</c>. One image of quota or one
    /// credit per success, nothing on any failure.
    /// </remarks>
    [HttpPost("removebg")]
    [AdmissionGate]
    [PerMinuteRateLimit]
    // The body's size is held by UploadLimitMiddleware (remove.bg's limit leaves room for base64); within it, a form's
    // values and files stay in memory, as FapiHub's uploads do.
    [RequestFormLimits(ValueLengthLimit = int.MaxValue, MultipartBodyLengthLimit = long.MaxValue, MemoryBufferThreshold = int.MaxValue)]
    [ProducesResponseType<RemoveBgResult>(StatusCodes.Status200OK, "application/json", "image/png", "image/jpeg", "image/webp", "application/zip")]
    [ProducesResponseType<RemoveBgErrorBody>(StatusCodes.Status402PaymentRequired, "application/json")]
    public async Task<IActionResult> RemoveBg(CancellationToken cancellationToken)
    {
        var fields = await RemoveBgFields.ReadAsync(Request, cancellationToken);
        if (!fields.IsSuccess)
        {
            return Failure(fields.Error!);
        }

        var call = RemoveBgRequest.Parse(fields.Value, limits.Value.MaxUploadBytes, out var errors);
        if (!call.IsSuccess)
        {
            return RemoveBgErrorResponses.ToActionResult(errors);
        }

        var image = await BytesOf(call.Value.Image, cancellationToken);
        if (!image.IsSuccess)
        {
            return Failure(image.Error!);
        }

        var picture = ReadOnlyMemory<byte>.Empty;
        if (call.Value.BackgroundPicture is { } source)
        {
            var fetched = await BytesOf(source, cancellationToken);
            if (!fetched.IsSuccess)
            {
                return Failure(fetched.Error!);
            }

            picture = fetched.Value;
        }

        // remove.bg has no model parameter: its clients get the server's default model.
        var command = new RemoveBackgroundCommand(image.Value, catalog.DefaultModel, call.Value.Effect(picture), call.Value.Output);
        var result = await sender.Send(command, cancellationToken);
        if (!result.IsSuccess)
        {
            return Failure(result.Error!);
        }

        var processed = result.Value;
        Response.RegisterForDispose(processed.Content);
        var headers = Response.Headers;
        if (call.Value.ForegroundType is { } type)
        {
            headers["X-Type"] = type;
        }

        headers["X-Width"] = Number(processed.Width);
        headers["X-Height"] = Number(processed.Height);
        ForegroundHeaders.Write(Response, processed.Foreground);
        headers["X-Credits-Charged"] = Number(processed.Charge?.Charged ?? 0);
        headers["X-Inference-Ms"] = processed.ModelTime.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture);

        if (!WantsJson(Request))
        {
            return File(processed.Content.OpenRead(), processed.ContentType);
        }

        var box = processed.Foreground ?? default;
        return Ok(new RemoveBgResult(new RemoveBgResultData(
            Convert.ToBase64String(processed.Content.Memory.Span), box.Y, box.X, box.Width, box.Height)));
    }

    /// <summary>Credits and free calls (remove.bg API v1.0), filled from the key's plan, quota and credits.</summary>
    /// <remarks>
    /// <c>subscription</c> is what is left of the plan's monthly quota, <c>payg</c> the key's credits, <c>total</c> their
    /// sum; <c>enterprise</c> and <c>free_calls</c> are always 0. Free, and not rate-limited.
    /// </remarks>
    [HttpGet("account")]
    [ProducesResponseType<RemoveBgAccount>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> GetAccount(CancellationToken cancellationToken)
    {
        var usage = await sender.Send(new GetUsageQuery(User.FindFirstValue(ClaimTypes.NameIdentifier)!), cancellationToken);
        if (!usage.IsSuccess)
        {
            return Failure(usage.Error!);
        }

        var report = usage.Value;
        var subscription = report.Remaining ?? 0;
        var credits = new RemoveBgCredits(subscription + report.Credits, subscription, report.Credits, 0);
        return Ok(new RemoveBgAccount(new RemoveBgAccountData(new RemoveBgAccountAttributes(credits, new RemoveBgApiAllowance(0, "all")))));
    }

    private async Task<Result<ReadOnlyMemory<byte>>> BytesOf(ImageSource source, CancellationToken cancellationToken)
    {
        switch (source)
        {
            case UploadedImage upload:
                return await UploadedFile.ReadAsync(upload.File, cancellationToken);
            case InlineImage inline:
                return inline.Bytes;
            case RemoteImage url:
                // Fetched before the command, so a URL that gives no image never reaches the credit check.
                var fetched = await fetcher.FetchAsync(url.Url.OriginalString, url.Field, cancellationToken);
                return fetched.IsSuccess ? fetched.Value.Content : fetched.Error!;
            default:
                throw new InvalidOperationException($"Unknown image source {source.GetType().Name}.");
        }
    }

    /// <summary>remove.bg answers JSON to a client that accepts it: its SDKs send <c>Accept: application/json</c>.</summary>
    private static bool WantsJson(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(accept =>
            accept.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) && accept.Quality is not 0);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
