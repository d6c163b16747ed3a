using FapiHub.Application.Abstractions.BackgroundRemoval;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure.BackgroundRemoval.Onnx;

/// <summary>The configured catalogue, with every model's file resolved to an absolute path.</summary>
internal sealed class ModelCatalog : IModelCatalog
{
    private readonly Dictionary<string, CatalogEntry> _entries;

    public ModelCatalog(IOptions<ModelCatalogOptions> options)
    {
        var value = options.Value;
        _entries = value.Catalog.ToDictionary(
            pair => pair.Key,
            pair => new CatalogEntry(pair.Key, pair.Value, value.PathOf(pair.Value.File)),
            StringComparer.OrdinalIgnoreCase);
        Names = [.. _entries.Keys.Order(StringComparer.Ordinal)];
        DefaultModel = _entries.TryGetValue(value.Default, out var entry) ? entry.Name : value.Default;
    }

    public string DefaultModel { get; }

    public IReadOnlyList<string> Names { get; }

    public IEnumerable<CatalogEntry> Entries => _entries.Values;

    public bool TryResolve(string? requested, out string model)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            model = DefaultModel;
            return true;
        }

        if (_entries.TryGetValue(requested.Trim(), out var entry))
        {
            model = entry.Name;
            return true;
        }

        model = string.Empty;
        return false;
    }

    public CatalogEntry Get(string model) =>
        _entries.TryGetValue(model, out var entry)
            ? entry
            : throw new KeyNotFoundException($"Model '{model}' is not in the catalogue.");
}

/// <summary>A catalogue model with its file's absolute path.</summary>
internal sealed record CatalogEntry(string Name, ModelDefinition Definition, string FilePath);
