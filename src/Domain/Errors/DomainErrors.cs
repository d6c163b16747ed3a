using System.Globalization;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;

namespace FapiHub.Domain.Errors;

/// <summary>
/// The catalogue of expected failures the application can meet, whatever protocol carried the request. Codes are part
/// of the public contract (FapiHub's documented codes plus our own where FapiHub documents none); messages name the
/// offending field so a client can fix the call. Refusals of the HTTP exchange itself are the Api's (TransportErrors).
/// </summary>
public static class DomainErrors
{
    public static class Request
    {
        /// <summary>A field the client must fix; <paramref name="message"/> is a whole sentence that names the field.</summary>
        public static Error InvalidField(string field, string message) =>
            new(ErrorCodes.InvalidRequest, message, ErrorType.Validation) { Field = field };

        /// <summary>
        /// Several fields to fix, reported together: the first is the answer's code and message (what a client that reads
        /// one message sees), all of them its <see cref="Error.FieldErrors"/>.
        /// </summary>
        public static Error InvalidFields(IReadOnlyList<Error> errors)
        {
            ArgumentNullException.ThrowIfNull(errors);
            ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
            return errors.Count == 1 ? errors[0] : errors[0] with { FieldErrors = errors };
        }

        /// <summary>A request the framework could not read at all (broken multipart, malformed JSON, bad HTTP).</summary>
        public static Error Malformed(string detail) =>
            new(ErrorCodes.InvalidRequest, "The request could not be read: " + detail, ErrorType.Validation);

        public static Error FileTooLarge(long limitBytes) =>
            new(
                ErrorCodes.FileTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The request body is larger than the limit of {limitBytes} bytes."),
                ErrorType.PayloadTooLarge);
    }

    public static class Image
    {
        /// <summary>The upload cannot be decoded in full; <paramref name="reason"/> says why, in the client's terms
        /// (e.g. "the JPEG data ends before the last row (truncated or damaged)"), and <paramref name="failure"/> which
        /// kind of failure that is, for the protocols whose codes tell the kinds apart.</summary>
        public static Error Undecodable(string reason, DecodeFailure failure = DecodeFailure.Damaged) =>
            new(
                ErrorCodes.InvalidImage,
                $"The field 'image' is not a decodable image: {reason}. Send a complete JPEG, PNG, WebP, BMP or GIF file.",
                ErrorType.Validation)
            { DecodeFailure = failure };

        public static Error TooLarge(int width, int height, long maxPixels) =>
            new(
                ErrorCodes.ImageTooLarge,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The image is {width}x{height} pixels; the limit is {maxPixels} pixels (width x height)."),
                ErrorType.Validation);

        /// <summary>
        /// The upload fits but the output would not: <paramref name="growth"/> (e.g. <c>offset_x=-1000</c>) grew the
        /// <paramref name="photo"/> to an <paramref name="outputWidth"/> × <paramref name="outputHeight"/> canvas, over the
        /// same limit as the upload; <paramref name="field"/> is the one that grew it most.
        /// </summary>
        public static Error OutputTooLarge(string field, IReadOnlyList<string> growth, ImageSize photo, long outputWidth, long outputHeight, long maxPixels, string grower = "the shadow grows")
        {
            ArgumentNullException.ThrowIfNull(growth);
            var fields = growth.Count == 0 ? field : ListOf(growth);
            return new(
                ErrorCodes.ImageTooLarge,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Field '{field}': with {fields} {grower} the {photo.Width}x{photo.Height} image to a canvas of up to {outputWidth}x{outputHeight} pixels; the limit is {maxPixels} pixels (width x height). Lower {field} (towards 0) or send a smaller image."),
                ErrorType.Validation)
            { Field = field };
        }

        /// <summary>The background picture (<paramref name="field"/>) cannot be used; <paramref name="why"/> is the photo check's own error.</summary>
        public static Error UndecodableBackground(string field, Error why)
        {
            ArgumentNullException.ThrowIfNull(why);
            return new(why.Code, $"The background picture ('{field}') cannot be used. {why.Message}", ErrorType.Validation)
            {
                Field = field,
                DecodeFailure = why.DecodeFailure,
            };
        }

        public static Error RegionOutside(Region roi, ImageSize image) =>
            new(
                ErrorCodes.RoiExceedsBounds,
                string.Create(CultureInfo.InvariantCulture, $"Field 'roi' ({roi}) reaches past the {image.Width}x{image.Height} image; give corners inside it."),
                ErrorType.Validation)
            { Field = "roi" };

        public static Error RegionEmpty(Region roi) =>
            new(
                ErrorCodes.RoiRegionEmpty,
                $"Field 'roi' ({roi}) holds no pixel: x2 must be right of x1 and y2 below y1.",
                ErrorType.Validation)
            { Field = "roi" };

        /// <summary>The model found nothing to keep, and the request asked for a subject (nothing charged).</summary>
        public static readonly Error NoForeground = new(
            ErrorCodes.UnknownForeground,
            "No foreground was found in the image (inside the region of interest, if one was given); nothing was charged.",
            ErrorType.Validation);

        private static string ListOf(IReadOnlyList<string> items) =>
            items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
    }

    /// <summary>
    /// An image given by URL that could not be used; <c>field</c> is the request field that held the URL. Nothing is
    /// charged for any of them: the fetch happens before the image is processed. The messages never echo an address a
    /// name resolved to (that would map the server's network for the caller); the server's log has it.
    /// </summary>
    public static class ImageUrl
    {
        public static Error Disabled(string field) =>
            new(
                ErrorCodes.ImageUrlRefused,
                $"Field '{field}': this server does not fetch images from URLs; send the image itself instead.",
                ErrorType.Validation)
            { Field = field };

        /// <summary>The URL or an address it leads to is not fetched; <paramref name="reason"/> is a clause saying why.</summary>
        public static Error Refused(string field, string reason) =>
            new(
                ErrorCodes.ImageUrlRefused,
                $"Field '{field}': the URL is refused: {reason}. Send a public http or https URL, or the image itself.",
                ErrorType.Validation)
            { Field = field };

        /// <summary>The URL was allowed but gave no image: not resolvable, no connection, a non-2xx answer, too many redirects.</summary>
        public static Error Unreachable(string field, string reason) =>
            new(
                ErrorCodes.ImageUrlUnreachable,
                $"Field '{field}': the image could not be downloaded: {reason}.",
                ErrorType.Validation)
            { Field = field };

        public static Error Timeout(string field, int seconds) =>
            new(
                ErrorCodes.ImageUrlTimeout,
                string.Create(CultureInfo.InvariantCulture, $"Field '{field}': the image did not download within {seconds} s; nothing was charged. Retry, or send the image itself."),
                ErrorType.Validation)
            { Field = field };

        /// <summary>Over the same limit as an upload (<c>Limits:MaxUploadBytes</c>), so a URL is no way around it.</summary>
        public static Error TooLarge(string field, long limitBytes) =>
            new(
                ErrorCodes.ImageUrlTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Field '{field}': the file at the URL is larger than the limit of {limitBytes} bytes."),
                ErrorType.PayloadTooLarge)
            { Field = field };

        /// <summary>The body is not a JPEG, PNG or WebP file, whatever its Content-Type said; <paramref name="detail"/> says what it looked like.</summary>
        public static Error NotAnImage(string field, string detail) =>
            new(
                ErrorCodes.ImageUrlNotAnImage,
                $"Field '{field}': the URL did not return a JPEG, PNG or WebP image ({detail}).",
                ErrorType.Validation)
            { Field = field };
    }

    public static class Inference
    {
        public static Error ServerBusy(int retryAfterSeconds) =>
            new(
                ErrorCodes.ServerBusy,
                string.Create(CultureInfo.InvariantCulture, $"Every inference slot and queue place is taken; nothing was charged. Retry in {retryAfterSeconds} s."),
                ErrorType.Unavailable)
            { RetryAfterSeconds = retryAfterSeconds };

        public static Error Timeout(int seconds) =>
            new(
                ErrorCodes.Timeout,
                string.Create(CultureInfo.InvariantCulture, $"Processing took longer than {seconds} s and was stopped; nothing was charged. Retry, or send a smaller image."),
                ErrorType.Unavailable)
            { RetryAfterSeconds = 5 };
    }

    public static class Auth
    {
        public static readonly Error InvalidApiKey = new(
            ErrorCodes.InvalidApiKey,
            "Missing or invalid API key; send it in the 'ApiKey' header.",
            ErrorType.Unauthorized);

        /// <summary>
        /// A key whose plan the server's configuration no longer defines (removed while the key still uses it): it
        /// cannot be metered, so it is refused like an unusable key, never served unmetered and never a 500.
        /// </summary>
        public static Error PlanNotConfigured(string? plan) =>
            new(
                ErrorCodes.InvalidApiKey,
                $"This API key is on plan '{plan}', which this server no longer offers; nothing was charged. Ask the operator to restore the plan or move the key to another one.",
                ErrorType.Unauthorized);
    }

    public static class Accounts
    {
        public static Error RateLimited(int perMinute, int retryAfterSeconds) =>
            new(
                ErrorCodes.RateLimitExceeded,
                string.Create(CultureInfo.InvariantCulture, $"Rate limit of {perMinute} requests per minute exceeded; retry in {retryAfterSeconds} s."),
                ErrorType.RateLimited)
            { RetryAfterSeconds = retryAfterSeconds };

        public static Error QuotaExhausted(long monthlyQuota, DateTimeOffset resetAt, int retryAfterSeconds) =>
            new(
                ErrorCodes.RateLimitExceeded,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Monthly quota of {monthlyQuota} images used up; it resets at {resetAt:yyyy-MM-ddTHH:mm:ssZ}."),
                ErrorType.QuotaExhausted)
            { RetryAfterSeconds = retryAfterSeconds };

        public static readonly Error InsufficientCredits = new(
            ErrorCodes.InsufficientCredits,
            "This pay-per-use key has no credits left; top it up to continue.",
            ErrorType.PaymentRequired);

        public static readonly Error StoreUnavailable = new(
            ErrorCodes.ServiceUnavailable,
            "The account store is unreachable, so usage cannot be metered; nothing was charged. Retry shortly.",
            ErrorType.Unavailable)
        { RetryAfterSeconds = 5 };

        public static Error NotFound(string id) =>
            new(ErrorCodes.NotFound, $"No API key with id '{id}'.", ErrorType.NotFound);

        public static readonly Error InvalidAdminKey = new(
            ErrorCodes.InvalidAdminKey,
            "Missing or invalid admin key; send it in the 'AdminKey' header.",
            ErrorType.Unauthorized);
    }

    public static class General
    {
        public static Error NotFound(string path) =>
            new(ErrorCodes.NotFound, $"No endpoint at '{path}'.", ErrorType.NotFound);

        public static readonly Error Internal = new(
            ErrorCodes.InternalError,
            "An unexpected error occurred; it has been logged. Quote the request_id when reporting it.",
            ErrorType.Unexpected);
    }
}
