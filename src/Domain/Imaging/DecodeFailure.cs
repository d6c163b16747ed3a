namespace FapiHub.Domain.Imaging;

/// <summary>
/// What kind of "not a decodable image" an <c>invalid_image</c> is. FapiHub's routes answer every kind with the one
/// code; remove.bg's tell a file type they do not take (<c>invalid_file_type</c>) from one they could not read
/// (<c>failed_to_read_image</c>), so the decoder says which, as a value rather than in its message's wording.
/// </summary>
public enum DecodeFailure
{
    /// <summary>A format the API takes, but the data is damaged, truncated, or declares no pixels.</summary>
    Damaged,

    /// <summary>No image at all: empty, or bytes that start like none of the formats the decoder knows.</summary>
    Unrecognised,

    /// <summary>A known image format the API does not take (ICO, TIFF, HEIF/AVIF, …): convert it and resend.</summary>
    UnsupportedFormat,
}
