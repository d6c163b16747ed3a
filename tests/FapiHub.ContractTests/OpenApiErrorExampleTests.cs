using System.Text.Json.Nodes;
using FapiHub.Api.Errors;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using FapiHub.Tests.Shared;

namespace FapiHub.ContractTests;

/// <summary>
/// The error examples in docs/openapi.json are what a client copies into its handling code, so each must be an error
/// the server really sends: the same code, message and retry_after the catalogue produces for that status.
/// </summary>
public sealed class OpenApiErrorExampleTests
{
    /// <summary>
    /// What the catalogues say for each documented status of the image endpoints, built here from the factories rather
    /// than read from the document filter, so a filter that stopped using the catalogues would fail this test.
    /// </summary>
    private static readonly Dictionary<string, Error> Image = new(StringComparer.Ordinal)
    {
        ["400"] = DomainErrors.Image.Undecodable("the JPEG data ends before the last row (truncated or damaged)"),
        ["401"] = DomainErrors.Auth.InvalidApiKey,
        ["402"] = DomainErrors.Accounts.InsufficientCredits,
        ["404"] = DomainErrors.General.NotFound("/v2/rembg/unknown"),
        ["413"] = DomainErrors.Request.FileTooLarge(new LimitsOptions().MaxUploadBytes),
        ["415"] = TransportErrors.UnsupportedMediaType("application/json"),
        ["429"] = DomainErrors.Accounts.RateLimited(150, 1),
        ["500"] = DomainErrors.General.Internal,
        ["503"] = DomainErrors.Inference.ServerBusy(2),
    };

    /// <summary><c>/v2/usage</c> runs no model: its 503 is the account store's.</summary>
    private static readonly Dictionary<string, Error> Usage = new(Image, StringComparer.Ordinal)
    {
        ["503"] = DomainErrors.Accounts.StoreUnavailable,
    };

    /// <summary>The admin API: JSON bodies, the admin key, keys by id.</summary>
    private static readonly Dictionary<string, Error> Admin = new(Usage, StringComparer.Ordinal)
    {
        ["400"] = DomainErrors.Request.InvalidField("amount", "Field 'amount' must be a whole number (a JSON number, without quotes or decimals)."),
        ["401"] = DomainErrors.Accounts.InvalidAdminKey,
        ["404"] = DomainErrors.Accounts.NotFound("key_3f9a1c2b7d4e8f60"),
    };

    [Fact]
    public async Task ErrorExamples_WhenReadFromTheCommittedDocument_ShouldEqualWhatTheCatalogueProduces()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NodeTools.RepositoryRoot(), "docs", "openapi.json")))!;

        var examples = ErrorExamples(document).ToList();

        Assert.NotEmpty(examples);
        Assert.Equal(Image.Keys.Order(StringComparer.Ordinal), examples.Select(e => e.Status).Distinct().Order(StringComparer.Ordinal));
        Assert.All(examples, example =>
        {
            var expected = CatalogueFor(example.Where)[example.Status];
            var error = example.Body["error"]!;

            // The place rides along in both tuples so a failure names the operation whose example drifted.
            Assert.Equal(
                (example.Where, expected.Code, expected.Message, expected.RetryAfterSeconds),
                (example.Where, error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>(), error["retry_after"]?.GetValue<int>()));
        });
    }

    /// <summary>The errors an operation can really answer, by its path (<c>"POST /v2/admin/keys 400"</c>).</summary>
    private static Dictionary<string, Error> CatalogueFor(string where) =>
        where.Contains(" /v2/admin/", StringComparison.Ordinal) ? Admin
        : where.Contains(" /v2/usage", StringComparison.Ordinal) ? Usage
        : Image;

    /// <summary>Every example under an error status (4xx, 5xx) of every operation, with where it was found.</summary>
    private static IEnumerable<(string Where, string Status, JsonNode Body)> ErrorExamples(JsonNode document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]?.AsObject() ?? [])
                {
                    if (status[0] is '4' or '5' && response!["content"]?["application/json"]?["example"] is { } example)
                    {
                        yield return ($"{method.ToUpperInvariant()} {path} {status}", status, example);
                    }
                }
            }
        }
    }
}
