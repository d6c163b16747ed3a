using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace FapiHub.Api.Contracts;

/// <summary>remove.bg's JSON answer (<c>Accept: application/json</c>): the image as base64 and the subject's box in it.</summary>
public sealed record RemoveBgResult(RemoveBgResultData Data);

/// <param name="ResultB64">The result image (or ZIP), base64-encoded.</param>
/// <param name="ForegroundTop">Top of the subject's bounding box in the result, in pixels.</param>
/// <param name="ForegroundLeft">Left of the subject's bounding box in the result, in pixels.</param>
/// <param name="ForegroundWidth">Width of the subject's bounding box in the result, in pixels.</param>
/// <param name="ForegroundHeight">Height of the subject's bounding box in the result, in pixels.</param>
public sealed record RemoveBgResultData(string ResultB64, int ForegroundTop, int ForegroundLeft, int ForegroundWidth, int ForegroundHeight);

/// <summary>remove.bg's account answer, filled from the key's plan, quota and credits.</summary>
public sealed record RemoveBgAccount(RemoveBgAccountData Data);

public sealed record RemoveBgAccountData(RemoveBgAccountAttributes Attributes);

public sealed record RemoveBgAccountAttributes(RemoveBgCredits Credits, RemoveBgApiAllowance Api);

/// <param name="Total">Images this key can still be charged for: <c>subscription</c> + <c>payg</c>.</param>
/// <param name="Subscription">What is left of the plan's monthly quota (0 on a pay-per-use plan).</param>
/// <param name="Payg">The key's pay-per-use credits.</param>
/// <param name="Enterprise">Always 0: FapiHub has no enterprise credits.</param>
public sealed record RemoveBgCredits(double Total, double Subscription, double Payg, double Enterprise);

/// <param name="FreeCalls">Always 0: FapiHub has no free preview calls; every image counts once against quota or credits.</param>
/// <param name="Sizes">Always <c>all</c> (deprecated by remove.bg, kept for its clients).</param>
public sealed record RemoveBgApiAllowance(int FreeCalls, string Sizes);

/// <summary>
/// The parameters of <c>POST /v1.0/removebg</c>, for the OpenAPI document only: the action reads the body itself,
/// in any of the three encodings remove.bg accepts.
/// </summary>
public sealed class RemoveBgForm
{
    [FromForm(Name = "image_file")]
    [Description("The photo as a file upload (multipart only). Exactly one of image_file, image_file_b64 and image_url.")]
    public IFormFile? ImageFile { get; set; }

    [FromForm(Name = "image_file_b64")]
    [Description("The photo as base64, with or without a data: URL prefix.")]
    public string? ImageFileB64 { get; set; }

    [FromForm(Name = "image_url")]
    [Description("The photo's http(s) URL, fetched by the server when it is allowed to.")]
    public string? ImageUrl { get; set; }

    [FromForm(Name = "size")]
    [DefaultValue("preview")]
    [Description("Largest output: preview, small, regular (0.25 MP), medium (1.5 MP), hd (4 MP), full, 4k, 50MP, auto (the original, up to Limits:MaxPixels).")]
    public string? Size { get; set; }

    [FromForm(Name = "type")]
    [DefaultValue("auto")]
    [Description("auto, person, product, car, animal, graphic, transportation: accepted and echoed in X-Type (auto answers other); the mask is the same for every type.")]
    public string? Type { get; set; }

    [FromForm(Name = "type_level")]
    [DefaultValue("1")]
    [Description("none (no X-Type header), 1 (coarse classes), 2, latest.")]
    public string? TypeLevel { get; set; }

    [FromForm(Name = "format")]
    [DefaultValue("auto")]
    [Description("auto (PNG if the result has transparency, else JPG), png, jpg (transparent results on white), webp, zip (color.jpg + alpha.png).")]
    public string? Format { get; set; }

    [FromForm(Name = "roi")]
    [DefaultValue("0% 0% 100% 100%")]
    [Description("Region of interest 'x1 y1 x2 y2' in px or %: only content inside can be foreground.")]
    public string? Roi { get; set; }

    [FromForm(Name = "crop")]
    [DefaultValue(false)]
    [Description("true: crop off the empty regions around the subject.")]
    public bool? Crop { get; set; }

    [FromForm(Name = "crop_margin")]
    [DefaultValue("0")]
    [Description("Margin around the cropped subject: one, two or four values in px or % of the subject, each side at most 500 px / 50 %; added past the photo's edge too (the result grows, transparent or the background).")]
    public string? CropMargin { get; set; }

    [FromForm(Name = "scale")]
    [DefaultValue("original")]
    [Description("Subject size relative to the image, 10%-100%, or original.")]
    public string? Scale { get; set; }

    [FromForm(Name = "position")]
    [DefaultValue("original")]
    [Description("original, center, or one or two percentages (horizontal, vertical) of the free space.")]
    public string? Position { get; set; }

    [FromForm(Name = "channels")]
    [DefaultValue("rgba")]
    [Description("rgba: the cut-out; alpha: the matte alone (grayscale).")]
    public string? Channels { get; set; }

    [FromForm(Name = "add_shadow")]
    [DefaultValue(false)]
    [Description("true: a soft drop shadow under a subject of type car or auto (remove.bg shadows cars only; FapiHub cannot tell a car under auto), on the background if one is given, and in the alpha of zip and channels=alpha.")]
    public bool? AddShadow { get; set; }

    [FromForm(Name = "semitransparency")]
    [DefaultValue(true)]
    [Description("false: every pixel fully subject or fully background (no semi-transparent edges).")]
    public bool? Semitransparency { get; set; }

    [FromForm(Name = "bg_color")]
    [Description("Background colour: hex (81d4fa, fff, 81d4fa77) or a CSS colour name. At most one bg_ parameter.")]
    public string? BgColor { get; set; }

    [FromForm(Name = "bg_image_url")]
    [Description("Background picture by URL, scaled to cover the delivered canvas.")]
    public string? BgImageUrl { get; set; }

    [FromForm(Name = "bg_image_file")]
    [Description("Background picture as a file upload (multipart only), scaled to cover the delivered canvas.")]
    public IFormFile? BgImageFile { get; set; }

    [FromForm(Name = "shadow_method")]
    [DefaultValue("latest")]
    [Description("latest or legacy: accepted; both draw the same shadow.")]
    public string? ShadowMethod { get; set; }
}
