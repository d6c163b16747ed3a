using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FapiHub.FunctionalTests.RemoveBg;

/// <summary>Requests in remove.bg's three body encodings, and the assertions on its answers.</summary>
public static class RemoveBgClient
{
    public const string Route = "/v1.0/removebg";

    public enum Encoding
    {
        Multipart,
        UrlEncoded,
        Json,
    }

    /// <summary>The fields in <paramref name="encoding"/>; <c>image_file</c> (bytes) goes up as a file in multipart, as base64 otherwise.</summary>
    internal static HttpContent Body(Encoding encoding, byte[]? imageFile, params (string Name, string Value)[] fields)
    {
        switch (encoding)
        {
            case Encoding.Multipart:
                var form = new MultipartFormDataContent();
                if (imageFile is not null)
                {
                    var file = new ByteArrayContent(imageFile);
                    file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    form.Add(file, "image_file", "photo.png");
                }

                foreach (var (name, value) in fields)
                {
                    form.Add(new StringContent(value), name);
                }

                return form;
            case Encoding.UrlEncoded:
                var pairs = fields.ToList();
                if (imageFile is not null)
                {
                    pairs.Add(("image_file_b64", Convert.ToBase64String(imageFile)));
                }

                // FormUrlEncodedContent refuses values over 64 KB; base64 photos are larger.
                var text = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
                return new StringContent(text, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
            default:
                var json = fields.ToDictionary(p => p.Name, p => (object)p.Value);
                if (imageFile is not null)
                {
                    json["image_file_b64"] = Convert.ToBase64String(imageFile);
                }

                return new StringContent(JsonSerializer.Serialize(json), System.Text.Encoding.UTF8, "application/json");
        }
    }

    /// <summary>Asserts remove.bg's error body: the status, and <paramref name="code"/> among its errors with a title and detail.</summary>
    internal static async Task AssertErrors(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("code").GetString() == code);
        Assert.All(errors, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("detail").GetString()));
        });
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    /// <summary>What the key can still be charged for, from remove.bg's account call: it moves by one per charged image.</summary>
    internal static async Task<double> CreditsTotal(HttpClient client)
    {
        using var response = await client.GetAsync("/v1.0/account");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("data").GetProperty("attributes").GetProperty("credits").GetProperty("total").GetDouble();
    }

    internal static int Header(HttpResponseMessage response, string name) =>
        int.Parse(Assert.Single(response.Headers.GetValues(name)), CultureInfo.InvariantCulture);
}
