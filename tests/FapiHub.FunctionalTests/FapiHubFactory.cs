using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FapiHub.FunctionalTests;

/// <summary>
/// The real application (real ONNX models, real SkiaSharp) over in-memory HTTP. One instance serves every test in
/// the <see cref="ApiTestGroup"/>, so the models load once and inferences never compete for the two cores.
/// </summary>
public sealed class FapiHubFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "fh_live_FunctionalTestKey0000000000000000000";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ApiKeys:Bootstrap:0:Key", ApiKey);
        builder.UseSetting("ApiKeys:Bootstrap:0:Plan", "pro");
        builder.UseSetting("ApiKeys:Bootstrap:0:Name", "functional tests");

        // The tests run inference anyway; a warm-up would only add two runs to the suite.
        builder.UseSetting("Inference:WarmUp", "false");
    }

    /// <summary>A client that sends the test key.</summary>
    public HttpClient CreateAuthenticatedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("ApiKey", ApiKey);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class ApiTestGroup : ICollectionFixture<FapiHubFactory>
{
    public const string Name = "api";
}
