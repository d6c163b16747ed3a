using FapiHub.Domain.Imaging;

namespace FapiHub.Domain.Common;

/// <summary>
/// An expected failure, carried as a value rather than thrown.
/// <paramref name="Code"/> is the stable, machine-readable code clients switch on (<c>invalid_image</c>, …);
/// <paramref name="Message"/> is for humans and may change.
/// </summary>
public sealed record Error(string Code, string Message, ErrorType Type)
{
    /// <summary>Seconds the client should wait before retrying, where that is known (rate limits, overload).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>The request field at fault, for validation errors.</summary>
    public string? Field { get; init; }

    /// <summary>
    /// Every field error of the request when more than one field is at fault, this one (the first) included; empty
    /// otherwise. A client fixes its call in one round trip instead of one per field.
    /// </summary>
    public IReadOnlyList<Error> FieldErrors { get; init; } = [];

    /// <summary>
    /// For an image that cannot be decoded: which kind of failure, for the protocols whose codes tell them apart
    /// (remove.bg's <c>invalid_file_type</c> and <c>failed_to_read_image</c>); <c>null</c> for every other error.
    /// </summary>
    public DecodeFailure? DecodeFailure { get; init; }
}
