using System.Text.Json.Nodes;
using System.Xml.Linq;
using FapiHub.Tests.Shared;

namespace FapiHub.ContractTests;

/// <summary>
/// Our code's licence is stated in four places (LICENSE, the OpenAPI document's info.license, the packages' metadata
/// and the README; the reasons are in ADR 12). Adopters read whichever they meet first, so all four must agree.
/// </summary>
public sealed class LicenseTests
{
    private const string Spdx = "Apache-2.0";

    private static readonly string Root = NodeTools.RepositoryRoot();

    [Fact]
    public void LicenseFile_WhenRead_ShouldBeTheApacheLicense20()
    {
        var text = File.ReadAllText(Path.Combine(Root, "LICENSE"));

        Assert.StartsWith("Apache License", text.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("Version 2.0, January 2004", text, StringComparison.Ordinal);
        Assert.Contains("END OF TERMS AND CONDITIONS", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PackageMetadata_WhenBuilt_ShouldDeclareTheSameLicenceForEveryProject()
    {
        var props = XDocument.Load(Path.Combine(Root, "Directory.Build.props"));

        var expression = props.Descendants("PackageLicenseExpression").Select(e => e.Value).Single();

        Assert.Equal(Spdx, expression);
    }

    [Fact]
    public async Task OpenApiDocument_WhenRead_ShouldStateTheSameLicenceInInfoLicense()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "docs", "openapi.json")))!;

        Assert.Equal(Spdx, document["info"]?["license"]?["name"]?.GetValue<string>());
        Assert.Equal("https://www.apache.org/licenses/LICENSE-2.0", document["info"]?["license"]?["url"]?.GetValue<string>());
    }

    [Fact]
    public async Task Readme_WhenRead_ShouldHaveALicenceSectionNamingTheLicenceAndTheWeightsTerms()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Root, "README.md"));

        var section = readme[readme.IndexOf("\n## Licence", StringComparison.Ordinal)..];

        Assert.Contains(Spdx, section, StringComparison.Ordinal);
        Assert.Contains("AGPL-3.0", section, StringComparison.Ordinal);
        Assert.Contains("docs/decisions/0012-", section, StringComparison.Ordinal);
    }
}
