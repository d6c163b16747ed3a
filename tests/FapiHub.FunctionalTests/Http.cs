using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FapiHub.FunctionalTests;

/// <summary>Request builders and envelope assertions shared by the functional tests.</summary>
internal static class Http
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static MultipartFormDataContent Form(byte[]? image, string fileName = "photo.png", string? model = null, string mediaType = "image/png")
    {
        var form = new MultipartFormDataContent();
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            form.Add(file, "image", fileName);
        }

        return model is null ? form : form.With(("model", model));
    }

    /// <summary>Adds text fields to a multipart form; returns the form, so it chains after <see cref="Form"/>.</summary>
    public static MultipartFormDataContent With(this MultipartFormDataContent form, params (string Name, string Value)[] fields)
    {
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    /// <summary>
    /// <paramref name="content"/> without a length, so it goes out with <c>Transfer-Encoding: chunked</c> (as streaming
    /// clients send), and the server only learns its size by reading it.
    /// </summary>
    public static HttpContent Chunked(HttpContent content) => new ChunkedContent(content);

    /// <summary>
    /// Asserts FapiHub's error envelope: the status, JSON content type, the code, a non-empty message and a
    /// request id of the form req_… that matches the X-Request-Id header. Returns the message.
    /// </summary>
    public static async Task<string> AssertEnvelope(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        var requestId = error.GetProperty("request_id").GetString();
        Assert.StartsWith("req_", requestId, StringComparison.Ordinal);
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace, ever
        return message!;
    }
}

internal sealed class ChunkedContent : HttpContent
{
    private readonly HttpContent _inner;

    public ChunkedContent(HttpContent inner)
    {
        _inner = inner;
        Headers.ContentType = inner.Headers.ContentType;
    }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _inner.CopyToAsync(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
