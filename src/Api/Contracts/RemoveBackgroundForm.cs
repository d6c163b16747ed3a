using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Contracts;

// The forms only bind and document fields: FapiHubV2FormMapping checks them and turns them into domain values, so
// DataAnnotations here feed the OpenAPI document and are not enforced by MVC (see AddControllers). Their numbers are the
// Domain's constants, the same ones the mapping checks and names in its messages.

/// <summary>Fields every image endpoint accepts: the image and how to deliver the result.</summary>
public abstract class ImageForm
{
    [FromForm(Name = "image")]
    [Required]
    [Description("The photo: JPEG, PNG, WebP, BMP or GIF (first frame), up to 10 MB. EXIF orientation is applied.")]
    public IFormFile? Image { get; set; }

    [FromForm(Name = "format")]
    [DefaultValue("png")]
    [Description("Output format: png (default), webp, or jpg (only for opaque results: mask, blur, opaque colours).")]
    public string? Format { get; set; }

    [FromForm(Name = "quality")]
    [Range(OutputOptions.MinQuality, OutputOptions.MaxQuality)]
    [DefaultValue(OutputOptions.DefaultQuality)]
    [Description("Quality of the lossy formats (webp, jpg), 1-100. PNG ignores it.")]
    public int? Quality { get; set; }

    [FromForm(Name = "crop")]
    [DefaultValue(false)]
    [Description("true: crop to the subject's bounding box (plus crop_margin). Off by default, so sizes match the input.")]
    public bool? Crop { get; set; }

    [FromForm(Name = "crop_margin")]
    [Range(0, OutputOptions.MaxCropMargin)]
    [DefaultValue(OutputOptions.DefaultCropMargin)]
    [Description("Pixels kept around the subject when crop=true.")]
    public int? CropMargin { get; set; }
}

/// <summary>The form of <c>/v2/rembg/</c> and <c>/v2/rembg/mask/</c>.</summary>
public sealed class RemoveBackgroundForm : ImageForm
{
    [FromForm(Name = "model")]
    [Description("Which model to run. Omitted or empty: the default.")]
    public string? Model { get; set; }
}

/// <summary>The form of <c>/v2/rembg/blur/</c>.</summary>
public sealed class BlurForm : ImageForm
{
    [FromForm(Name = "radius")]
    [Required]
    [Range(BlurEffect.MinRadius, BlurEffect.MaxRadius)]
    [Description("Background blur: the Gaussian's standard deviation in pixels, 1-50.")]
    public int? Radius { get; set; }
}

/// <summary>The form of <c>/v2/rembg/color/</c>.</summary>
public sealed class ColorForm : ImageForm
{
    [FromForm(Name = "bgcolor")]
    [Required]
    [Description("Background colour: " + Rgba.Forms + ". Alpha below 255 keeps the background see-through.")]
    public string? BgColor { get; set; }
}

/// <summary>The form of <c>/v2/rembg/gradient/</c>.</summary>
public sealed class GradientForm : ImageForm
{
    [FromForm(Name = "top_color")]
    [Required]
    [Description("Colour at the top row (same forms as bgcolor).")]
    public string? TopColor { get; set; }

    [FromForm(Name = "bottom_color")]
    [Required]
    [Description("Colour at the bottom row (same forms as bgcolor).")]
    public string? BottomColor { get; set; }
}

/// <summary>The form of <c>/v2/rembg/shadow/</c>.</summary>
public sealed class ShadowForm : ImageForm
{
    [FromForm(Name = "offset_x")]
    [Range(-ShadowEffect.MaxOffset, ShadowEffect.MaxOffset)]
    [DefaultValue(ShadowEffect.DefaultOffsetX)]
    [Description("Horizontal shadow offset in pixels (positive: right).")]
    public int? OffsetX { get; set; }

    [FromForm(Name = "offset_y")]
    [Range(-ShadowEffect.MaxOffset, ShadowEffect.MaxOffset)]
    [DefaultValue(ShadowEffect.DefaultOffsetY)]
    [Description("Vertical shadow offset in pixels (positive: down).")]
    public int? OffsetY { get; set; }

    [FromForm(Name = "blur_radius")]
    [Range(0, ShadowEffect.MaxBlurRadius)]
    [DefaultValue(ShadowEffect.DefaultBlurRadius)]
    [Description("Shadow softness: the Gaussian's standard deviation in pixels, 0-100 (0: hard shadow).")]
    public int? BlurRadius { get; set; }

    [FromForm(Name = "shadow_color")]
    [DefaultValue(ShadowEffect.DefaultColorText)]
    [Description("Shadow colour with alpha (same forms as bgcolor).")]
    public string? ShadowColor { get; set; }
}
