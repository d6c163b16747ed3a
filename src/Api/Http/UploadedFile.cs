namespace FapiHub.Api.Http;

/// <summary>
/// Reads an uploaded file's bytes once from the form into an array of exactly their size. Empty when no file was
/// sent; the validator turns that into a 400 naming the field. Not pooled on purpose: a shared pool keeps
/// upload-sized arrays (megabytes, on the large-object heap) per thread after a burst, which is how a flood of 10 MB
/// uploads used to leave the server at its peak for good. The garbage goes with the next collection (and the idle
/// hand-back's, MemoryHandBack).
/// </summary>
internal static class UploadedFile
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // The body limit caps file.Length well below int.MaxValue.
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)file.Length));
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
