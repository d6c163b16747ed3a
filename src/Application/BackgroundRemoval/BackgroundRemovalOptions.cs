namespace FapiHub.Application.BackgroundRemoval;

/// <summary>Request-level inference settings (section <c>Inference</c>).</summary>
public sealed class BackgroundRemovalOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// Longest a prediction may take, queueing included; beyond it the request answers 503 <c>timeout</c>, uncharged,
    /// and the model run is cancelled. The default is many times the longest run on a 25 MP photo, so reaching it means something is stuck.
    /// </summary>
    public int TimeoutSeconds { get; set; } = 60;
}
