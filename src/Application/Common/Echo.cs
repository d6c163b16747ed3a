namespace FapiHub.Application.Common;

/// <summary>Quoting a client's value back in an error message: enough to recognise it, never a wall of text.</summary>
public static class Echo
{
    private const int MaxLength = 40;

    public static string Value(string? value) =>
        value is null ? string.Empty
        : value.Length <= MaxLength ? value
        : string.Concat(value.AsSpan(0, MaxLength), "…");
}
