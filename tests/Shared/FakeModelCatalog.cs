using FapiHub.Application.Abstractions.BackgroundRemoval;

namespace FapiHub.Tests.Shared;

/// <summary>A catalogue of fixed names, resolving like the real one (empty = default, case-insensitive).</summary>
internal sealed class FakeModelCatalog(params string[] names) : IModelCatalog
{
    public string DefaultModel => names[0];

    public IReadOnlyList<string> Names => names;

    public bool TryResolve(string? requested, out string model)
    {
        model = string.IsNullOrWhiteSpace(requested)
            ? DefaultModel
            : names.FirstOrDefault(n => string.Equals(n, requested, StringComparison.OrdinalIgnoreCase)) ?? string.Empty;
        return model.Length > 0;
    }
}
