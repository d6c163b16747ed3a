using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using FapiHub.Api.Http;
using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Common;
using FapiHub.Application.Common.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
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
/// <para>
/// The body speaks the protocol of the path the request was for: remove.bg's <c>{"errors":[…]}</c> with its status
/// under <c>/v1.0</c>, the envelope elsewhere. There is no HttpContext to ask, so the path is the request feature's when
/// Kestrel parsed the request line (431, 408 once the line is in, a bad header), and otherwise read from the request
/// line's first bytes, which the connection's <see cref="RequestLineWatch"/> keeps (414, a bad target, 505, 408
/// before the line is complete). A connection that sent no request line at all has no path: the envelope.
/// </para>
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
        var writer = new EnvelopeWriter(transport.Output, new RequestLineWatch(transport.Input));
        connection.Transport = new Duplex(writer.Requests, writer);
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
        if (RemoveBgProtocol.Speaks(TargetPath(request, writer.Requests)))
        {
            var status = RemoveBgErrorResponses.StatusCodeOf(error, rejection.StatusCode);
            writer.Arm(RemoveBgErrorResponses.BodyBytes(error), requestId, status == rejection.StatusCode ? null : status);
        }
        else
        {
            writer.Arm(ErrorResponses.EnvelopeBytes(error, requestId), requestId);
        }

        _metrics?.Error(error.Code);
    }

    /// <summary>
    /// The path the rejected request was for: the parsed one when Kestrel got that far (it clears it between the
    /// requests of a connection), else the one in the request line's first bytes; empty when neither is known.
    /// </summary>
    internal static PathString TargetPath(IHttpRequestFeature? request, RequestLineWatch requests) =>
        request is { RawTarget.Length: > 0, Path.Length: > 0 } ? new PathString(request.Path) : RequestLineWatch.PathOf(requests.Start);

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
/// <c>Content-Length: 0</c>, sends it with the envelope as its body instead (and the protocol's own status, where
/// that differs from Kestrel's). <see cref="Requests"/> is the same connection's input.
/// </summary>
internal sealed class EnvelopeWriter(PipeWriter inner, RequestLineWatch requests) : PipeWriter
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] EmptyLength = "\r\nContent-Length: 0"u8.ToArray();

    private ArrayBufferWriter<byte>? _held;
    private byte[] _body = [];
    private string _requestId = string.Empty;
    private int? _status;

    /// <summary>The connection's input, which remembers how the latest request line starts.</summary>
    public RequestLineWatch Requests => requests;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    /// <summary>Where writes go: the held buffer while armed, else straight through.</summary>
    private IBufferWriter<byte> Target => _held is { } held ? held : inner;

    /// <summary>Holds the next answer to send it with <paramref name="body"/> (and <paramref name="status"/>, when given).</summary>
    public void Arm(byte[] body, string requestId, int? status = null)
    {
        _body = body;
        _requestId = requestId;
        _status = status;
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
    /// block with the envelope's length, type and request id (and the armed status, if any), followed by the envelope.
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
        var statusLineEnd = head.IndexOf("\r\n"u8); // found: the Content-Length line follows one
        var statusLine = _status is { } status
            ? Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Encoding.ASCII.GetString(head[..8])} {status} {ReasonPhrases.GetReasonPhrase(status)}"))
            : head[..statusLineEnd].ToArray();
        answer = [.. statusLine, .. head[statusLineEnd..length], .. extra, .. rest, .. HeadEnd, .. _body];
        return true;
    }
}

/// <summary>
/// The connection's input, passed straight through, that keeps the first bytes of every read. Kestrel consumes
/// nothing of a request line until the whole line has arrived and parsed, so when it rejects a line (too long, a bad
/// target, an unknown version) or times out waiting for it, the latest read began with that line: enough to say which
/// path the request was for, without a copy of anything but those bytes.
/// </summary>
internal sealed class RequestLineWatch(PipeReader inner) : PipeReader
{
    /// <summary>Enough for a method and a target's first segments, even in absolute form with a long host name.</summary>
    private const int Kept = 256;

    private readonly byte[] _start = new byte[Kept];
    private int _length;

    /// <summary>The first bytes of the latest read.</summary>
    public ReadOnlySpan<byte> Start => _start.AsSpan(0, _length);

    /// <summary>
    /// The path of a request line's first bytes (<c>GET /v1.0/removebg?x HTTP/1.1</c>, or an absolute-form target),
    /// percent-decoded; empty when the bytes do not start like a request line.
    /// </summary>
    public static PathString PathOf(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        if (space is < 1 or > 20 || line[..space].ContainsAnyExceptInRange((byte)'A', (byte)'Z'))
        {
            return PathString.Empty; // methods are upper-case tokens; anything else is not a request line
        }

        var target = line[(space + 1)..];
        var end = target.IndexOfAny(" ?#\r\n"u8);
        target = end >= 0 ? target[..end] : target;
        if (!target.StartsWith("/"u8))
        {
            // Absolute form (http://host:port/path): the path starts at the first slash after the authority.
            var scheme = target.IndexOf("://"u8);
            var slash = scheme < 0 ? -1 : target[(scheme + 3)..].IndexOf((byte)'/');
            if (slash < 0)
            {
                return PathString.Empty;
            }

            target = target[(scheme + 3 + slash)..];
        }

        // Unescaped as Kestrel does (it keeps %2F), but without PathString.FromUriComponent's checks: the target may
        // be the very thing Kestrel refused, a %00.
        var escaped = Encoding.ASCII.GetString(target).Replace("%2F", "%252F", StringComparison.OrdinalIgnoreCase);
        return new PathString(Uri.UnescapeDataString(escaped));
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var pending = inner.ReadAsync(cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return Awaited(pending);
        }

        var result = pending.Result;
        Keep(result.Buffer);
        return new ValueTask<ReadResult>(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Keep(result.Buffer);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private async ValueTask<ReadResult> Awaited(ValueTask<ReadResult> pending)
    {
        var result = await pending.ConfigureAwait(false);
        Keep(result.Buffer);
        return result;
    }

    private void Keep(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return; // a read that only reports the end: the line it followed is still the latest
        }

        _length = (int)Math.Min(buffer.Length, Kept);
        buffer.Slice(0, _length).CopyTo(_start);
    }
}
