using System.Text.Json.Serialization;

namespace FapiHub.Api.Errors;

/// <summary>FapiHub's error envelope: <c>{"error":{"code","message","request_id"}}</c>, plus <c>retry_after</c> when waiting helps.</summary>
public sealed record ErrorEnvelope(ErrorBody Error);

/// <summary>The envelope's <c>error</c> object: what went wrong, and the request's id to quote when reporting it.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <c>invalid_image</c>.</param>
/// <param name="Message">Human-readable explanation naming what to fix.</param>
/// <param name="RequestId">The request's id, also sent as the <c>X-Request-Id</c> header.</param>
/// <param name="RetryAfter">Seconds to wait before retrying (429 and 503 only).</param>
public sealed record ErrorBody(
    string Code,
    string Message,
    string RequestId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter = null);
