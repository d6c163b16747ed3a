using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FapiHub.FunctionalTests;

/// <summary>
/// The catalogue's recipes, end to end with the real weights: an operator adds a tier by configuration alone (its graph
/// is derived at start-up from the pinned download), and a recipe that cannot be made stops start-up saying why.
/// </summary>
[Trait("Category", "Models")] // Derives and loads a real ONNX graph: in the Models category, run by the full suite.
public sealed class ModelRecipeTests
{
    [Fact]
    public async Task Start_WhenConfigurationAddsARecipeWhoseGraphIsMissing_ShouldDeriveItAndServeTheNewModel()
    {
        var file = $"test-recipe-{Guid.NewGuid():N}.onnx";
        var path = Path.Combine(AppContext.BaseDirectory, "models", file);
        try
        {
            await using var host = new RecipeHost(
                ("Models:Catalog:tiny:File", file),
                ("Models:Catalog:tiny:Recipe:Weights", "isnet-fp16.onnx"),
                ("Models:Catalog:tiny:Recipe:Precision", "fp16"),
                ("Models:Catalog:tiny:Recipe:Resolution", "512"));
            using var client = host.CreateAuthenticatedClient();

            using var served = await client.PostAsync("/v2/rembg/mask/", Http.Form(await File.ReadAllBytesAsync(Http.Fixture("coffee.png")), model: "tiny"));
            var document = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"));

            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.True(File.Exists(path), "the recipe's graph was not derived");
            Assert.Contains("\"tiny\"", document.RootElement.GetRawText(), StringComparison.Ordinal); // the OpenAPI enum follows the catalogue
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Start_WhenARecipesResolutionCannotBeReached_ShouldStopWithAMessageNamingTheKey()
    {
        using var host = new RecipeHost(
            ("Models:Catalog:odd:File", $"test-recipe-{Guid.NewGuid():N}.onnx"),
            ("Models:Catalog:odd:Recipe:Weights", "isnet-fp16.onnx"),
            ("Models:Catalog:odd:Recipe:Precision", "fp16"),
            ("Models:Catalog:odd:Recipe:Resolution", "1000"));

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains("Models:Catalog:odd:Recipe", failure.ToString(), StringComparison.Ordinal);
        Assert.Contains("1000", failure.ToString(), StringComparison.Ordinal);
    }

    private sealed class RecipeHost(params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
    {
        public HttpClient CreateAuthenticatedClient()
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Add("ApiKey", FapiHubFactory.ApiKey);
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ApiKeys:Bootstrap:0:Key", FapiHubFactory.ApiKey);
            builder.UseSetting("ApiKeys:Bootstrap:0:Plan", "pro");
            builder.UseSetting("Inference:WarmUp", "false");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

/// <summary>Options are validated when the host starts: a value that cannot work stops it, naming the key.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Limits:MaxUploadBytes", "0")]
    [InlineData("Limits:MinRequestBodyGraceSeconds", "1")]
    [InlineData("Inference:MaxQueue", "-1")]
    [InlineData("Inference:TimeoutSeconds", "0")]
    [InlineData("Limits:MaxPixels", "0")]
    [InlineData("Plans:tiny:PerMinute", "0")]
    public void Start_WhenASettingCannotWork_ShouldStopNamingTheKey(string key, string value)
    {
        using var host = new SettingsHost((key, value));

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains(key.Split(':')[0] + ":" + key.Split(':')[1], failure.ToString(), StringComparison.Ordinal);
    }

    private sealed class SettingsHost(params (string Key, string Value)[] settings) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Inference:WarmUp", "false");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
