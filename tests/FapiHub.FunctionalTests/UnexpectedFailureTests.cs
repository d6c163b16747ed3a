using System.Net;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Tests.Shared;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.FunctionalTests;

/// <summary>A bug deep inside (here: a remover that throws) is a 500 envelope without internals, not a stack trace.</summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class UnexpectedFailureTests(FapiHubFactory factory)
{
    [Fact]
    public async Task Post_WhenTheRemoverThrows_ShouldBe500InternalErrorWithoutDetails()
    {
        using var broken = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IBackgroundRemover, ThrowingRemover>()));
        using var client = broken.CreateClient();
        client.DefaultRequestHeaders.Add("ApiKey", FapiHubFactory.ApiKey);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(TestImages.Encode(8, 8, (_, _) => SkiaSharp.SKColors.Red)));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.DoesNotContain(ThrowingRemover.Secret, message, StringComparison.Ordinal);
    }

    private sealed class ThrowingRemover : IBackgroundRemover
    {
        public const string Secret = "connection string of the secret database";

        public ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Secret);
    }
}
