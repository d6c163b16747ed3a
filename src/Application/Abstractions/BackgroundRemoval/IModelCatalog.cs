namespace FapiHub.Application.Abstractions.BackgroundRemoval;

/// <summary>The models a client may ask for by name, as configured by the operator.</summary>
public interface IModelCatalog
{
    /// <summary>The model used when a request names none.</summary>
    string DefaultModel { get; }

    /// <summary>Every model name, sorted ordinally (configuration order is not preserved by the binder, so it is not promised).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Maps what a client sent to a catalogue name: empty means the default; matching ignores case because
    /// clients of the hosted API send "Falcon" as often as "falcon". <c>false</c> when no model has that name.
    /// </summary>
    bool TryResolve(string? requested, out string model);
}
