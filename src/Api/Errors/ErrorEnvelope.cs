using System.Text.Json.Serialization;

namespace FapiHub.Api.Errors;

/// <summary>
/// FapiHub's error envelope: <c>{"error":{"code","message","request_id"}}</c>, plus <c>retry_after</c> when waiting helps
/// and <c>errors</c> when more than one field is at fault.
/// </summary>
public sealed record ErrorEnvelope(ErrorBody Error);

/// <summary>The envelope's <c>error</c> object: what went wrong, and the request's id to quote when reporting it.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <c>invalid_image</c>.</param>
/// <param name="Message">Human-readable explanation naming what to fix.</param>
/// <param name="RequestId">The request's id, also sent as the <c>X-Request-Id</c> header.</param>
/// <param name="RetryAfter">Seconds to wait before retrying (429 and 503 only).</param>
/// <param name="Errors">
/// Every field at fault, in form order, when there are several (<c>message</c> is the first one's); absent when one
/// field or none is. Added beside the fields clients already read, so a client that reads only <c>message</c> still works.
/// </param>
public sealed record ErrorBody(
    string Code,
    string Message,
    string RequestId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FieldErrorBody>? Errors = null);

/// <summary>One field at fault: the form field's name and a sentence saying what it must be.</summary>
public sealed record FieldErrorBody(string Field, string Message);
