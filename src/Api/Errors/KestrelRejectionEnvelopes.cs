using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using FapiHub.Api.Http;
using FapiHub.Application.Common;
using FapiHub.Application.Common.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Errors;

/// <summary>
/// Puts the envelope into the answers Kestrel writes itself. A request Kestrel cannot parse (headers too large: 431,
/// request line too long: 414, headers too slow: 408, a bad request line or target such as <c>/%00</c>: 400) never
/// reaches middleware: Kestrel answers it with an empty body and closes the connection. Kestrel offers no hook to
/// write that body, but it does two things we can use: it raises the <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c>
/// diagnostic event (with <see cref="IBadRequestExceptionFeature"/>) just before it writes the answer, and it writes the
/// answer through the connection's transport, which connection middleware may wrap. So the event arms the connection's
/// <see cref="EnvelopeWriter"/>, which catches the header block Kestrel writes next and sends it with the envelope as
/// its body (Content-Length, Content-Type, X-Request-Id, nosniff). Anything it does not recognise passes through
/// unchanged, so the worst case is Kestrel's own empty answer.
/// </summary>
internal sealed class KestrelRejectionEnvelopes : IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    private readonly ConcurrentDictionary<string, EnvelopeWriter> _connections = new(StringComparer.Ordinal);
    private readonly IOptions<LimitsOptions> _limits;
    private readonly FapiHubMetrics? _metrics;
    private readonly IDisposable _subscription;

    public KestrelRejectionEnvelopes(DiagnosticListener listener, IOptions<LimitsOptions> limits, FapiHubMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _limits = limits;
        _metrics = metrics;
        _subscription = listener.Subscribe(this, name => string.Equals(name, BadRequestEvent, StringComparison.Ordinal));
    }

    /// <summary>Connection middleware: every HTTP/1.x connection writes through an <see cref="EnvelopeWriter"/>.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async connection =>
    {
        var transport = connection.Transport;
        var writer = new EnvelopeWriter(transport.Output);
        connection.Transport = new Duplex(transport.Input, writer);
        _connections[connection.ConnectionId] = writer;
        try
        {
            await next(connection);
        }
        finally
        {
            _connections.TryRemove(connection.ConnectionId, out _);
            connection.Transport = transport;
        }
    };

    public void OnNext(KeyValuePair<string, object?> value)
    {
        // Called synchronously by Kestrel between deciding to reject and writing the answer, on the connection's own
        // flow: nothing else writes to the connection meanwhile.
        if (value.Value is not IFeatureCollection features
            || features.Get<IBadRequestExceptionFeature>()?.Error is not BadHttpRequestException rejection
            || features.Get<IHttpConnectionFeature>()?.ConnectionId is not { } connectionId
            || !_connections.TryGetValue(connectionId, out var writer))
        {
            return;
        }

        var request = features.Get<IHttpRequestFeature>();
        var cannotCarryBody =
            features.Get<IHttpResponseFeature>()?.HasStarted == true // the app's answer is already out
            || HttpMethods.IsHead(request?.Method ?? string.Empty) // a HEAD answer has no body, by definition
            || request?.Protocol is "HTTP/2" or "HTTP/3"; // framed streams: Kestrel resets those, nothing to fill
        if (cannotCarryBody)
        {
            return;
        }

        var error = ErrorResponses.ForRejection(rejection.StatusCode, rejection.Message, _limits.Value);
        var requestId = RequestIdMiddleware.NewId();
        writer.Arm(ErrorResponses.EnvelopeBytes(error, requestId), requestId);
        _metrics?.Error(error.Code);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public void Dispose() => _subscription.Dispose();

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}

/// <summary>
/// The connection's output. Unarmed, it passes everything straight through. Armed (Kestrel is about to write a
/// rejection), it holds what is written until the flush, and if that is exactly one HTTP/1.x header block with
/// <c>Content-Length: 0</c>, sends it with the envelope as its body instead.
/// </summary>
internal sealed class EnvelopeWriter(PipeWriter inner) : PipeWriter
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] EmptyLength = "\r\nContent-Length: 0"u8.ToArray();

    private ArrayBufferWriter<byte>? _held;
    private byte[] _body = [];
    private string _requestId = string.Empty;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    /// <summary>Where writes go: the held buffer while armed, else straight through.</summary>
    private IBufferWriter<byte> Target => _held is { } held ? held : inner;

    public void Arm(byte[] body, string requestId)
    {
        _body = body;
        _requestId = requestId;
        _held = new ArrayBufferWriter<byte>(512);
    }

    public override void Advance(int bytes) => Target.Advance(bytes);

    public override Memory<byte> GetMemory(int sizeHint = 0) => Target.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Target.GetSpan(sizeHint);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release();
        return inner.FlushAsync(cancellationToken);
    }

    public override void Complete(Exception? exception = null)
    {
        Release();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Release();
        return inner.CompleteAsync(exception);
    }

    private void Release()
    {
        var held = _held;
        _held = null;
        if (held is { WrittenCount: > 0 })
        {
            inner.Write(TryAddBody(held.WrittenSpan, out var answer) ? answer : held.WrittenSpan);
        }
    }

    /// <summary>
    /// Rewrites <c>HTTP/1.x NNN …\r\n…\r\nContent-Length: 0\r\n…\r\n\r\n</c> (nothing after it) into the same header
    /// block with the envelope's length, type and request id, followed by the envelope.
    /// </summary>
    private bool TryAddBody(ReadOnlySpan<byte> written, out byte[] answer)
    {
        answer = [];
        var end = written.IndexOf(HeadEnd);
        if (!written.StartsWith("HTTP/1."u8) || end < 0 || end + HeadEnd.Length != written.Length)
        {
            return false;
        }

        var head = written[..end]; // status line and header lines, without the final CRLFCRLF
        var length = head.IndexOf(EmptyLength);
        var lengthEnd = length + EmptyLength.Length;
        if (length < 0 || (lengthEnd < head.Length && head[lengthEnd] != (byte)'\r'))
        {
            return false;
        }

        var headers = string.Create(
            CultureInfo.InvariantCulture,
            $"\r\nContent-Length: {_body.Length}\r\nContent-Type: application/json; charset=utf-8\r\n{RequestIdMiddleware.HeaderName}: {_requestId}\r\nX-Content-Type-Options: nosniff");
        var extra = Encoding.ASCII.GetBytes(headers);
        var rest = head[lengthEnd..];
        answer = [.. head[..length], .. extra, .. rest, .. HeadEnd, .. _body];
        return true;
    }
}
