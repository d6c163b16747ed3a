using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using FapiHub.Api.Errors;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// The two halves of <see cref="KestrelRejectionEnvelopes"/> that no raw request reaches on its own: how a request
/// line's first bytes name a path, and a rejection whose status the protocol answers differently from Kestrel.
/// </summary>
public sealed class KestrelRejectionWriterTests
{
    [Theory]
    [InlineData("GET /v1.0/removebg?size=full HTTP/1.1\r\nHost: x\r\n", "/v1.0/removebg")]
    [InlineData("POST http://example.com:8080/v1.0/account HTTP/1.1", "/v1.0/account")]
    [InlineData("GET /v1.0/%00 HTTP/1.1", "/v1.0/\0")] // the target Kestrel refused: read, not refused again
    [InlineData("GET /v1%2E0/account HTTP/1.1", "/v1.0/account")]
    [InlineData("GET /v1.0%2Fremovebg HTTP/1.1", "/v1.0%2Fremovebg")] // Kestrel keeps %2F escaped: not under /v1.0
    [InlineData("POST /v1.0/remo", "/v1.0/remo")] // a line still arriving
    [InlineData("X-Filler: aaaa", "")] // a header line: not a request line
    [InlineData("GET example.com HTTP/1.1", "")]
    [InlineData("", "")]
    public void PathOf_WhenGivenTheStartOfARequestLine_ShouldNameItsPath(string line, string path) =>
        Assert.Equal(path, RequestLineWatch.PathOf(Encoding.ASCII.GetBytes(line)).Value ?? string.Empty);

    [Fact]
    public async Task Writer_WhenArmedWithAnotherStatus_ShouldRewriteTheStatusLineAndAddTheBody()
    {
        var output = new Pipe();
        var writer = new EnvelopeWriter(output.Writer, new RequestLineWatch(new Pipe().Reader));
        writer.Arm("{\"errors\":[]}"u8.ToArray(), "req_test", 400);

        await writer.WriteAsync("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        await writer.CompleteAsync();

        var written = await output.Reader.ReadAsync();
        Assert.Equal(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 13\r\nContent-Type: application/json; charset=utf-8\r\nX-Request-Id: req_test\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n{\"errors\":[]}",
            Encoding.ASCII.GetString(written.Buffer.ToArray()));
    }
}
