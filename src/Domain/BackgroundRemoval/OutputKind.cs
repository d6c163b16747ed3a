namespace FapiHub.Domain.BackgroundRemoval;

/// <summary>What a background-removal request returns.</summary>
public enum OutputKind
{
    /// <summary>The photo with the background made transparent (RGBA PNG, straight alpha).</summary>
    Cutout,

    /// <summary>The alpha matte alone (8-bit grayscale PNG, white = subject).</summary>
    Mask,
}
