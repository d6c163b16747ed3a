using FapiHub.Api.Errors;
using FapiHub.Application.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Http;

/// <summary>
/// Rejects an oversized upload from its Content-Length before a byte of the body is read (no time or memory spent on
/// it), and caps bodies of unknown length (chunked) at the same size as they stream in. The size is the request's
/// protocol's (<see cref="UploadLimit.MaxBodyBytes"/>): remove.bg's base64 bodies may be a third larger than an upload,
/// which Kestrel's server-wide limit is raised to per request.
/// </summary>
internal sealed class UploadLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> options)
{
    private readonly LimitsOptions _limits = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var limit = UploadLimit.MaxBodyBytes(context, _limits);
        if (UploadLimit.IsExceeded(context.Request.ContentLength, limit))
        {
            return ErrorResponses.WriteAsync(context, UploadLimit.Error(context));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        // MVC's form binding turns a body-read failure into a model-state message and drops the exception, so a 413
        // (a chunked body past the limit) or a 408 (a body that trickles) would come out as a 400; the stream remembers
        // the refusal, for the answer to say so.
        var watch = new UploadLimitFeature();
        context.Features.Set(watch);
        context.Request.Body = new LimitedRequestBody(context.Request.Body, limit, watch);
        return next(context);
    }
}

/// <summary>What happened to the request's body as it was read, whoever caught the failure.</summary>
internal sealed class UploadLimitFeature
{
    /// <summary>The body grew past the upload limit (only a body without Content-Length can: a declared one is refused first).</summary>
    public bool Exceeded { get; set; }

    /// <summary>The server refused the body while it was read (e.g. 408: it arrived below the minimum data rate).</summary>
    public BadHttpRequestException? Refused { get; set; }
}

/// <summary>
/// A read-only view of the request body that fails with a 413 <see cref="BadHttpRequestException"/> past
/// <paramref name="limit"/> bytes (whatever the server enforces itself) and records that, and any other refusal of the
/// server's while the body is read, in <paramref name="watch"/>.
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
        catch (BadHttpRequestException ex)
        {
            watch.Exceeded |= UploadLimit.IsExceeded(ex);
            watch.Refused = ex;
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
        catch (BadHttpRequestException ex)
        {
            watch.Exceeded |= UploadLimit.IsExceeded(ex);
            watch.Refused = ex;
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
