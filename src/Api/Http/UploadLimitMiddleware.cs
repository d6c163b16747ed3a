using FapiHub.Api.Errors;
using FapiHub.Application.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Http;

/// <summary>
/// Rejects an oversized upload from its Content-Length before a byte of the body is read (no time or memory spent on
/// it), and caps bodies of unknown length (chunked) at the same size as they stream in.
/// </summary>
internal sealed class UploadLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> options)
{
    private readonly LimitsOptions _limits = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        if (UploadLimit.IsExceeded(context.Request.ContentLength, _limits))
        {
            return ErrorResponses.WriteAsync(context, UploadLimit.Error(_limits));
        }

        var limit = _limits.MaxRequestBodyBytes;

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength is null)
        {
            // MVC's form binding turns a body-read failure into a model-state message and drops the exception, so
            // the 413 would come out as a 400; the stream remembers that the limit was hit, for the envelope to say so.
            var watch = new UploadLimitFeature();
            context.Features.Set(watch);
            context.Request.Body = new LimitedRequestBody(context.Request.Body, limit, watch);
        }

        return next(context);
    }
}

/// <summary>Set on a request whose body has no Content-Length; <see cref="Exceeded"/> once it grew past the upload limit.</summary>
internal sealed class UploadLimitFeature
{
    public bool Exceeded { get; set; }
}

/// <summary>
/// A read-only view of the request body that fails with a 413 <see cref="BadHttpRequestException"/> past
/// <paramref name="limit"/> bytes (whatever the server enforces itself) and records that in <paramref name="watch"/>.
/// </summary>
internal sealed class LimitedRequestBody(Stream inner, long limit, UploadLimitFeature watch) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return Count(inner.Read(buffer));
        }
        catch (BadHttpRequestException ex) when (UploadLimit.IsExceeded(ex))
        {
            watch.Exceeded = true;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }
        catch (BadHttpRequestException ex) when (UploadLimit.IsExceeded(ex))
        {
            watch.Exceeded = true;
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            watch.Exceeded = true;
            throw UploadLimit.Overrun();
        }

        return read;
    }
}
