using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FapiHub.FunctionalTests.Reliability;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// The admin API's edge: JSON with the documented types and nothing read loosely, key names that are printable text,
/// 415 and 413 in its own terms, and messages that never show .NET type names.
/// </summary>
public sealed class AdminApiStrictnessTests : ReliabilityHostTests
{
    [Theory]
    [InlineData("{\"amount\":\"5\"}")]
    [InlineData("{\"amount\":5.5}")]
    [InlineData("{\"amount\":1e3}")]
    [InlineData("{\"amount\":true}")]
    [InlineData("{\"amount\":null}")]
    [InlineData("{\"amount\":99999999999999999999}")]
    public async Task AddCredits_WhenAmountIsNotAJsonInteger_ShouldBe400NamingAmount(string body)
    {
        var host = Host();
        var (id, _) = await host.CreateKeyAsync("payg", 3);
        using var admin = host.AdminClient();

        using var response = await admin.PostAsync($"/v2/admin/keys/{id}/credits", Json(body));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'amount'", message, StringComparison.Ordinal);
        AssertNoDotNetNames(message);
        Assert.Equal(3, await Balance(host, id)); // nothing applied
    }

    [Theory]
    [InlineData("{\"name\":\"shop\",\"plan\":\"payg\",\"credits\":\"100\"}", "credits")]
    [InlineData("{\"name\":\"shop\",\"plan\":\"payg\",\"credits\":1.5}", "credits")]
    [InlineData("{\"name\":42,\"plan\":\"payg\"}", "name")]
    [InlineData("{\"name\":\"shop\",\"plan\":[\"payg\"]}", "plan")]
    public async Task CreateKey_WhenAFieldHasTheWrongJsonType_ShouldBe400NamingIt(string body, string field)
    {
        using var admin = Host().AdminClient();

        using var response = await admin.PostAsync("/v2/admin/keys", Json(body));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
        AssertNoDotNetNames(message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"shop\"")]
    [InlineData("42")]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\" \"shop\"}")]
    public async Task AdminJson_WhenTheBodyIsNotAJsonObject_ShouldBe400WithoutDotNetNames(string body)
    {
        var host = Host();
        var (id, _) = await host.CreateKeyAsync("payg", 3);
        using var admin = host.AdminClient();

        using var create = await admin.PostAsync("/v2/admin/keys", Json(body));
        using var credits = await admin.PostAsync($"/v2/admin/keys/{id}/credits", Json(body));
        using var plan = await admin.PatchAsync($"/v2/admin/keys/{id}", Json(body));

        foreach (var response in new[] { create, credits, plan })
        {
            AssertNoDotNetNames(await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request"));
        }
    }

    [Theory]
    [InlineData("shop\u0000evil")]
    [InlineData("invoice\u202Efdp.exe")] // right-to-left override: reads as "invoiceexe.pdf"
    [InlineData("\u2067isolate\u2069")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("two\nlines")]
    [InlineData("tab\there")]
    [InlineData("bell\u0007")]
    [InlineData("c1\u0085control")]
    public async Task CreateKey_WhenTheNameIsNotPrintableText_ShouldBe400NamingName(string name)
    {
        using var admin = Host().AdminClient();

        using var response = await admin.PostAsJsonAsync("/v2/admin/keys", new { name, plan = "payg", credits = 1 }, AccountsHost.Json);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'name'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Café Müller")]
    [InlineData("東京 shop 🚀")]
    [InlineData("O'Brien & Sons (test) #2")]
    public async Task CreateKey_WhenTheNameIsPrintableText_ShouldKeepIt(string name)
    {
        using var admin = Host().AdminClient();

        using var response = await admin.PostAsJsonAsync("/v2/admin/keys", new { name, plan = "payg", credits = 1 }, AccountsHost.Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(name, body.RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task AdminJson_WhenTheContentTypeIsNotJson_ShouldBe415SayingItTakesJson(string? contentType)
    {
        using var admin = Host().AdminClient();
        using var body = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"name\":\"shop\",\"plan\":\"payg\"}"));
        if (contentType is not null)
        {
            body.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await admin.PostAsync("/v2/admin/keys", body);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("application/json", message, StringComparison.Ordinal);
        Assert.DoesNotContain("image", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminJson_WhenAChunkedBodyExceedsTheUploadLimit_ShouldBe413FileTooLarge()
    {
        using var admin = Host().AdminClient();
        var huge = "{\"name\":\"" + new string('a', 20 * 1024 * 1024) + "\",\"plan\":\"payg\"}";
        using var chunked = Http.Chunked(Json(huge));

        using var response = await admin.PostAsync("/v2/admin/keys", chunked);

        await Http.AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static void AssertNoDotNetNames(string message)
    {
        foreach (var name in new[] { "FapiHub", "System.", "Contracts", "Request'", "Int64", "String" })
        {
            Assert.DoesNotContain(name, message, StringComparison.Ordinal);
        }
    }

    private static async Task<long> Balance(AccountsHost host, string id)
    {
        using var admin = host.AdminClient();
        using var list = JsonDocument.Parse(await admin.GetStringAsync("/v2/admin/keys"));
        return list.RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == id).GetProperty("credits").GetInt64();
    }
}
