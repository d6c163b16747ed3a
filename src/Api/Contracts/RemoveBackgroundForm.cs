using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Contracts;

/// <summary>The multipart form of <c>/v2/rembg/</c> and <c>/v2/rembg/mask/</c>.</summary>
public sealed class RemoveBackgroundForm
{
    /// <summary>The photo: JPEG, PNG, WebP, BMP or GIF (first frame).</summary>
    [FromForm(Name = "image")]
    [Description("The photo: JPEG, PNG, WebP, BMP or GIF (first frame). EXIF orientation is applied.")]
    public IFormFile? Image { get; set; }

    /// <summary>Model name; see the enum. Omitted or empty: the default model.</summary>
    [FromForm(Name = "model")]
    [Description("Which model to run. Omitted or empty: the default.")]
    public string? Model { get; set; }
}
