namespace FapiHub.ModelBuilder;

/// <summary>
/// A failure with one of the documented codes (models/README.md): FHM001 general, FHM002 npm missing, FHM003 data
/// does not match the manifest, FHM004 verify-only found a bad file, FHM005 lock timeout, FHM006 a recipe the graph
/// cannot take. The CLI prints each message in MSBuild's canonical format so Exec turns them into build errors; the
/// API can show the same text when a recipe is derived at start-up.
/// </summary>
public sealed class ModelBuilderException : Exception
{
    public ModelBuilderException(string code, string message)
        : this(code, [message])
    {
    }

    public ModelBuilderException(string code, IReadOnlyList<string> messages)
        : base(string.Join("; ", messages ?? []))
    {
        Code = code;
        Messages = messages ?? [];
    }

    public ModelBuilderException()
        : this(ErrorCodes.General, "model builder failed")
    {
    }

    public ModelBuilderException(string message)
        : this(ErrorCodes.General, message)
    {
    }

    public ModelBuilderException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.General;
        Messages = [message];
    }

    public string Code { get; }

    public IReadOnlyList<string> Messages { get; }
}

/// <summary>The FHM00x codes, kept from the Node fetcher so scripts and docs that grep for them still work.</summary>
public static class ErrorCodes
{
    public const string General = "FHM001";
    public const string NoNpm = "FHM002";
    public const string Mismatch = "FHM003";
    public const string Verify = "FHM004";
    public const string Lock = "FHM005";
    public const string BadRecipe = "FHM006";
}
