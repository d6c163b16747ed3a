namespace FapiHub.Infrastructure.Authentication;

/// <summary>API keys known at start-up (section <c>ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>Keys seeded from configuration (<c>ApiKeys:Bootstrap:N:{Key,Plan,Credits,Name}</c>).</summary>
    public List<BootstrapApiKey> Bootstrap { get; set; } = [];
}

public sealed class BootstrapApiKey
{
    /// <summary>The secret itself. Only its SHA-256 is kept in memory after start-up.</summary>
    public string Key { get; set; } = string.Empty;

    public string Plan { get; set; } = "basic";

    /// <summary>Pay-per-use credits; honoured once accounts land.</summary>
    public long Credits { get; set; }

    public string? Name { get; set; }
}
