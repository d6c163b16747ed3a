using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.FunctionalTests.Reliability;

/// <summary>
/// Issue 25, case 9: every refusal reads "Field 'x' must …" with the value given, numbers and colours are read
/// strictly, and the form reader's own words never reach the client. Nothing refused is charged.
/// </summary>
public sealed class MessageTests : ReliabilityHostTests
{
    private static readonly byte[] Png = TestImages.Encode(8, 8, (_, _) => SKColors.Teal);

    [Theory]
    [InlineData("0x10")] // before: read as 16
    [InlineData(" 5")]
    [InlineData("5.0")]
    [InlineData("1e1")]
    [InlineData("５")] // a full-width digit
    public async Task PostBlur_WhenTheRadiusIsNotDecimalDigits_ShouldBe400NamingTheFieldAndValueUncharged(string radius)
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/blur", Http.Form(Png).With(("radius", radius)));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal($"Field 'radius' must be a whole number in decimal digits with an optional sign, such as 12 or -3 (no spaces, no 0x); was '{radius}'.", message);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Theory]
    [InlineData("+5", HttpStatusCode.OK)]
    [InlineData("-0", HttpStatusCode.BadRequest)] // decimal, read as 0: out of range
    [InlineData("99999999999", HttpStatusCode.BadRequest)]
    public async Task PostBlur_WhenTheRadiusIsDecimalDigitsWithASign_ShouldBeReadAsTheNumber(string radius, HttpStatusCode expected)
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/blur", Http.Form(Png).With(("radius", radius)));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task PostBlur_WhenTheRadiusIsZero_ShouldSayItIsOutOfRangeNotMissing()
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/blur", Http.Form(Png).With(("radius", "0")));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("Field 'radius' must be an integer from 1 to 50 (the blur's standard deviation in pixels); was 0.", message);
    }

    [Theory]
    [InlineData("((1,2,3))")] // before: accepted
    [InlineData("(1,2,3")]
    [InlineData("1,2,3)")]
    public async Task PostColor_WhenTheColourDoesNotFollowTheGrammar_ShouldBe400NamingTheField(string color)
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/color", Http.Form(Png).With(("bgcolor", color)));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.StartsWith("Field 'bgcolor' must be a colour such as", message, StringComparison.Ordinal);
        Assert.EndsWith($"; was '{color}'.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WhenABooleanFieldIsNotTrueOrFalse_ShouldNameTheFieldAndValue()
    {
        var host = Host();
        using var client = await PayingClient(host);

        using var response = await client.PostAsync("/v2/rembg/", Http.Form(Png).With(("crop", "yes")));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("Field 'crop' must be true or false; was 'yes'.", message);
    }

    [Theory]
    [InlineData(100)] // the body ends before any part starts
    [InlineData(40_000)] // before: "Multipart header length limit 16384 exceeded"
    public async Task Post_WhenTheMultipartBoundaryMatchesNoPart_ShouldSayTheBodyIsNotWellFormedMultipart(int bodyBytes)
    {
        var host = Host();
        using var client = await PayingClient(host);
        var body = new StringBuilder("--right\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n")
            .Append('x', bodyBytes)
            .Append("\r\n--right--\r\n");
        using var content = new StringContent(body.ToString());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=wrong");

        using var response = await client.PostAsync("/v2/rembg/", content);

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("not a well-formed multipart/form-data body", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Multipart header length limit", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Stream", message, StringComparison.Ordinal);
        Assert.Equal(StartingCredits, await Credits(client));
    }

    [Fact]
    public async Task AddCredits_WhenTheBodyIsAnEmptyObject_ShouldNameAmountInTheHouseForm()
    {
        var host = Host();
        var (id, _) = await host.CreateKeyAsync("payg", 1);
        using var admin = host.AdminClient();

        using var response = await admin.PostAsync($"/v2/admin/keys/{id}/credits", new StringContent("{}", Encoding.UTF8, "application/json"));

        var message = await Http.AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("Field 'amount' must be a non-zero whole number from -1000000000 to 1000000000; was 0 or missing.", message);
    }
}
