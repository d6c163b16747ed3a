using System.Text.Json.Nodes;
using FapiHub.Application.Common;
using FapiHub.Domain.Common;
using FapiHub.Tests.Shared;
using DomainErrors = FapiHub.Domain.Errors.Errors;

namespace FapiHub.ContractTests;

/// <summary>
/// The error examples in docs/openapi.json are what a client copies into its handling code, so each must be an error
/// the server really sends: the same code, message and retry_after the catalogue produces for that status.
/// </summary>
public sealed class OpenApiErrorExampleTests
{
    /// <summary>
    /// What the catalogue says for each documented status, built here from the factories rather than read from the
    /// document filter, so a filter that stopped using the catalogue would fail this test.
    /// </summary>
    private static readonly Dictionary<string, Error> Catalogue = new(StringComparer.Ordinal)
    {
        ["400"] = DomainErrors.Image.Undecodable("the JPEG data ends before the last row (truncated or damaged)"),
        ["401"] = DomainErrors.Auth.InvalidApiKey,
        ["402"] = DomainErrors.Accounts.InsufficientCredits,
        ["404"] = DomainErrors.General.NotFound("/v2/rembg/unknown"),
        ["413"] = DomainErrors.Request.FileTooLarge(new LimitsOptions().MaxUploadBytes),
        ["415"] = DomainErrors.Request.UnsupportedMediaType("application/json"),
        ["429"] = DomainErrors.Accounts.RateLimited(150, 1),
        ["500"] = DomainErrors.General.Internal,
        ["503"] = DomainErrors.Inference.ServerBusy(2),
    };

    [Fact]
    public async Task ErrorExamples_WhenReadFromTheCommittedDocument_ShouldEqualWhatTheCatalogueProduces()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NodeTools.RepositoryRoot(), "docs", "openapi.json")))!;

        var examples = ErrorExamples(document).ToList();

        Assert.NotEmpty(examples);
        Assert.Equal(Catalogue.Keys.Order(StringComparer.Ordinal), examples.Select(e => e.Status).Distinct().Order(StringComparer.Ordinal));
        Assert.All(examples, example =>
        {
            var expected = Catalogue[example.Status];
            var error = example.Body["error"]!;

            // The place rides along in both tuples so a failure names the operation whose example drifted.
            Assert.Equal(
                (example.Where, expected.Code, expected.Message, expected.RetryAfterSeconds),
                (example.Where, error["code"]!.GetValue<string>(), error["message"]!.GetValue<string>(), error["retry_after"]?.GetValue<int>()));
        });
    }

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
