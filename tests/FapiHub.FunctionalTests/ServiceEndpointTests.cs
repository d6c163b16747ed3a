using System.Net;
using System.Text.Json;

namespace FapiHub.FunctionalTests;

/// <summary>Health probes and the OpenAPI document.</summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class ServiceEndpointTests(FapiHubFactory factory)
{
    [Fact]
    public async Task HealthLive_WhenProcessRuns_ShouldBe200()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthReady_WhenModelsHaveLoaded_ShouldBe200Healthy()
    {
        using var client = factory.CreateClient();
        HttpResponseMessage response;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((response = await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // loading, not broken
            response.Dispose();
            await Task.Delay(250);
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task SwaggerDocument_WhenRequested_ShouldDescribeTheContract()
    {
        using var client = factory.CreateClient();

        using var json = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"));

        var root = json.RootElement;
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "ApiKey"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));

        foreach (var path in new[] { "/v2/rembg/", "/v2/rembg/mask/" })
        {
            var post = root.GetProperty("paths").GetProperty(path).GetProperty("post");
            Assert.True(post.GetProperty("security").GetArrayLength() > 0, $"{path} has no security requirement");
            var form = post.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
            var properties = form.GetProperty("properties");
            Assert.Equal("binary", properties.GetProperty("image").GetProperty("format").GetString());
            var models = properties.GetProperty("model").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.Equal(["aurora", "falcon", "ghost"], models);
            Assert.Equal("falcon", properties.GetProperty("model").GetProperty("default").GetString());
            var responses = post.GetProperty("responses");
            Assert.True(responses.GetProperty("200").GetProperty("content").TryGetProperty("image/png", out _));
            foreach (var status in new[] { "400", "401", "402", "429" })
            {
                var schema = responses.GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema");
                Assert.EndsWith("ErrorEnvelope", schema.GetProperty("$ref").GetString(), StringComparison.Ordinal);
            }
        }

        var effectFields = new Dictionary<string, string[]>
        {
            ["/v2/rembg/blur/"] = ["radius"],
            ["/v2/rembg/color/"] = ["bgcolor"],
            ["/v2/rembg/gradient/"] = ["top_color", "bottom_color"],
            ["/v2/rembg/shadow/"] = ["offset_x", "offset_y", "blur_radius", "shadow_color"],
        };
        foreach (var (path, fields) in effectFields)
        {
            var post = root.GetProperty("paths").GetProperty(path).GetProperty("post");
            var properties = post.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
            foreach (var field in fields.Concat(["image", "format", "quality", "crop", "crop_margin"]))
            {
                Assert.True(properties.TryGetProperty(field, out _), $"{path} does not document '{field}'");
            }

            Assert.False(properties.TryGetProperty("model", out _), $"{path} should not offer 'model'");
            Assert.Equal(["png", "webp", "jpg"], properties.GetProperty("format").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
            var content = post.GetProperty("responses").GetProperty("200").GetProperty("content");
            Assert.True(content.TryGetProperty("image/png", out _) && content.TryGetProperty("image/webp", out _) && content.TryGetProperty("image/jpeg", out _));
        }

        var radius = root.GetProperty("paths").GetProperty("/v2/rembg/blur/").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("radius");
        Assert.Equal((1, 50), (radius.GetProperty("minimum").GetInt32(), radius.GetProperty("maximum").GetInt32()));

        var admin = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("AdminKey");
        Assert.Equal("AdminKey", admin.GetProperty("name").GetString());
        var paths = root.GetProperty("paths");
        Assert.True(paths.GetProperty("/v2/usage").TryGetProperty("get", out _));
        var keys = paths.GetProperty("/v2/admin/keys");
        Assert.True(keys.TryGetProperty("get", out _) && keys.TryGetProperty("post", out _));
        Assert.Equal("AdminKey", keys.GetProperty("post").GetProperty("security")[0].EnumerateObject().Single().Name);
        Assert.True(paths.GetProperty("/v2/admin/keys/{id}").TryGetProperty("patch", out _));
        Assert.True(paths.GetProperty("/v2/admin/keys/{id}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/v2/admin/keys/{id}/credits").TryGetProperty("post", out _));

        var body = root.GetProperty("components").GetProperty("schemas").GetProperty("ErrorBody").GetProperty("properties");
        Assert.True(body.TryGetProperty("request_id", out _));
        Assert.True(body.TryGetProperty("retry_after", out _));
    }

    [Fact]
    public async Task SwaggerUi_WhenRequested_ShouldServeThePage()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
