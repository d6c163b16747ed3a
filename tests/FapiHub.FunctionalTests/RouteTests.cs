using System.Net;
using FapiHub.Tests.Shared;

namespace FapiHub.FunctionalTests;

/// <summary>
/// The OpenAPI document lists the image paths with their trailing slash, as FapiHub documents them; the server must
/// answer both forms with the same endpoint. Each case sends a field that only that endpoint rejects, so the answer
/// proves which action ran, without spending an inference.
/// </summary>
[Trait("Category", "Models")] // Shares the host that loads the real ONNX models: in the Models category, run by the full suite.
[Collection(ApiTestGroup.Name)]
public sealed class RouteTests(FapiHubFactory factory)
{
    private static readonly byte[] Png = TestImages.Encode(8, 8, (_, _) => SkiaSharp.SKColors.Green);

    public static TheoryData<string, string, string> Endpoints()
    {
        // (path without the slash, a field, a value that endpoint refuses naming that field)
        (string Path, string Field, string Value)[] endpoints =
        [
            ("/v2/rembg", "model", "no-such-model"),
            ("/v2/rembg/mask", "model", "no-such-model"),
            ("/v2/rembg/blur", "radius", "51"),
            ("/v2/rembg/color", "bgcolor", "not-a-colour"),
            ("/v2/rembg/gradient", "top_color", "not-a-colour"),
            ("/v2/rembg/shadow", "blur_radius", "101"),
        ];
        var data = new TheoryData<string, string, string>();
        foreach (var (path, field, value) in endpoints)
        {
            data.Add(path, field, value);
            data.Add(path + "/", field, value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Post_WhenThePathHasOrLacksTheTrailingSlash_ShouldReachThatEndpoint(string path, string field, string value)
    {
        using var client = factory.CreateAuthenticatedClient();

        using var form = Http.Form(Png).With((field, value));
        if (path.Contains("/gradient", StringComparison.Ordinal))
        {
            form.With(("bottom_color", "#000000")); // so the refusal can only be about top_color
        }

        using var response = await client.PostAsync(path, form);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/rembg/mask/x/")]
    public async Task Post_WhenThePathIsNotAnEndpoint_ShouldBe404(string path)
    {
        using var client = factory.CreateAuthenticatedClient();

        using var response = await client.PostAsync(path, Http.Form(Png));

        await Http.AssertEnvelope(response, HttpStatusCode.NotFound, "not_found");
    }
}
