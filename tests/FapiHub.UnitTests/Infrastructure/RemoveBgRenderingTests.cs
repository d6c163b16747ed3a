using System.IO.Compression;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;
using FapiHub.Tests.Shared;
using Microsoft.Extensions.Options;
using SkiaSharp;
using static FapiHub.UnitTests.Infrastructure.SquareScene;

namespace FapiHub.UnitTests.Infrastructure;

/// <summary>
/// The rendering capabilities remove.bg's parameters need, on the synthetic square scene (subject 16..47 of 64):
/// region of interest, hard edges, placement, background picture, per-side margins, the pixel cap, auto and ZIP formats
/// and the foreground box.
/// </summary>
public sealed class RemoveBgRenderingTests
{
    private readonly SkiaImageProcessor _processor = new(Options.Create(new ImagingOptions()));

    private RenderedImage Render(Effect effect, OutputOptions output, Action<AlphaMask>? shapeMask = null)
    {
        using var photo = Photo();
        using var mask = SquareMask();
        shapeMask?.Invoke(mask);
        return _processor.RenderInPlace(photo, mask, effect, output);
    }

    private static SKBitmap Decode(RenderedImage rendered)
    {
        using var data = SKData.CreateCopy(rendered.Content.Memory.Span);
        using var codec = SKCodec.Create(data);
        var bitmap = new SKBitmap(new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return bitmap;
    }

    [Fact]
    public void RenderInPlace_WhenNothingSpecial_ShouldReportTheSubjectsBoxAsForeground()
    {
        using var rendered = new Disposer(Render(new CutoutEffect(), OutputOptions.Default));

        Assert.Equal(new PixelBox(16, 16, 32, 32), rendered.Value.Foreground);
        Assert.Equal("image/png", rendered.Value.ContentType);
    }

    [Fact]
    public void RenderInPlace_WhenRoiCoversHalfTheSubject_ShouldKeepOnlyThatHalfAsForeground()
    {
        var roi = new Region(Length.Pixels(0), Length.Pixels(0), Length.Percent(50), Length.Percent(100));

        using var rendered = new Disposer(Render(new CutoutEffect(), OutputOptions.Default with { Roi = roi }));

        Assert.Equal(new PixelBox(16, 16, 16, 32), rendered.Value.Foreground);
        using var image = Decode(rendered.Value);
        Assert.Equal(0, image.GetPixel(40, 30).Alpha);
        Assert.Equal(255, image.GetPixel(20, 30).Alpha);
    }

    [Fact]
    public void RenderInPlace_WhenSemitransparencyIsOff_ShouldLeaveNoHalfTransparentPixel()
    {
        using var rendered = new Disposer(Render(
            new CutoutEffect(), OutputOptions.Default with { Semitransparency = false }, mask => mask.Span.Slice(0, 64).Fill(100)));

        using var image = Decode(rendered.Value);
        Assert.All(Enumerable.Range(0, 64), x => Assert.Equal(0, image.GetPixel(x, 0).Alpha));
    }

    [Fact]
    public void RenderInPlace_WhenScaledToHalfAndPlacedBottomRight_ShouldMoveTheSubjectThere()
    {
        var output = OutputOptions.Default with { Placement = new Placement(0.5, 1, 1) };

        using var rendered = new Disposer(Render(new CutoutEffect(), output));

        Assert.Equal(new PixelBox(32, 32, 32, 32), rendered.Value.Foreground);
        using var image = Decode(rendered.Value);
        Assert.Equal(255, image.GetPixel(50, 50).Alpha);
        Assert.Equal(0, image.GetPixel(20, 20).Alpha);
        Assert.Equal((220, 20, 20), (image.GetPixel(50, 50).Red, image.GetPixel(50, 50).Green, image.GetPixel(50, 50).Blue));
    }

    [Fact]
    public void RenderInPlace_WhenScaledWithoutPosition_ShouldCentreTheSubject()
    {
        using var rendered = new Disposer(Render(new CutoutEffect(), OutputOptions.Default with { Placement = new Placement(0.25, null, null) }));

        Assert.Equal(new PixelBox(24, 24, 16, 16), rendered.Value.Foreground);
    }

    [Fact]
    public void RenderInPlace_WhenBackgroundPictureIsWider_ShouldCoverTheCanvasCentred()
    {
        // 128 x 64: left half blue, right half green; covering a 64 x 64 canvas keeps its centre 64 columns.
        var picture = TestImages.Encode(128, 64, (x, _) => x < 48 ? SKColors.Blue : x < 80 ? SKColors.Yellow : SKColors.Green);

        using var rendered = new Disposer(Render(new ImageBackgroundEffect(picture), OutputOptions.Default with { Format = OutputFormat.Auto }));

        Assert.Equal("image/jpeg", rendered.Value.ContentType); // opaque result: auto is JPEG
        using var image = Decode(rendered.Value);
        Assert.Equal((64, 64), (image.Width, image.Height));
        var left = image.GetPixel(2, 32);
        var right = image.GetPixel(61, 32);
        Assert.True(left.Blue > 200 && left.Red < 60, $"left {left}");
        Assert.True(right.Green > 100 && right.Blue < 60 && right.Red < 60, $"right {right}");
        var middle = image.GetPixel(32, 5); // above the subject: the picture's yellow centre
        Assert.True(middle.Red > 200 && middle.Green > 200, $"middle {middle}");
    }

    [Fact]
    public void ImageBackground_WhenGivenAnOpaqueUnderlay_ShouldBeOpaqueAndLayThePictureOnIt()
    {
        var picture = TestImages.Encode(64, 64, (_, _) => SKColors.Transparent);

        var effect = new ImageBackgroundEffect(picture, new Rgba(255, 255, 255));
        using var rendered = new Disposer(Render(effect, OutputOptions.Default with { Format = OutputFormat.Jpeg }));

        Assert.True(effect.IsOpaque);
        Assert.False(new ImageBackgroundEffect(picture).IsOpaque);
        using var image = Decode(rendered.Value);
        var corner = image.GetPixel(2, 2); // a fully transparent picture leaves the underlay
        Assert.True(corner.Red > 245 && corner.Green > 245 && corner.Blue > 245, $"corner {corner}");
    }

    [Fact]
    public void RenderInPlace_WhenCroppedWithPerSideMargins_ShouldGrowEachSideAndCapAtTheImage()
    {
        // top/bottom 25 % of the subject's 32 px = 8 px, left/right 4 px
        var output = OutputOptions.Default with { Crop = true, Margins = new Margins(Length.Percent(25), Length.Pixels(4), Length.Percent(25), Length.Pixels(4)) };

        using var rendered = new Disposer(Render(new CutoutEffect(), output));

        Assert.Equal((40, 48), (rendered.Value.Width, rendered.Value.Height));
        Assert.Equal(new PixelBox(4, 8, 32, 32), rendered.Value.Foreground);
    }

    [Fact]
    public void Margins_WhenAboveRemoveBgsBounds_ShouldBeHeldTo500PixelsAnd50Percent()
    {
        var margins = new Margins(Length.Pixels(900), Length.Percent(80), Length.Pixels(10), Length.Pixels(0));

        var box = margins.Around(new PixelBox(1000, 1000, 100, 100), 5000, 5000);

        Assert.Equal(new PixelBox(1000, 500, 150, 610), box);
    }

    [Fact]
    public void RenderInPlace_WhenPaddingMarginsReachPastThePhoto_ShouldGrowTheCanvasWithTransparentPixels()
    {
        // 20 px a side around the 32 px subject at 16..47 of 64: 4 px past every edge of the photo.
        var output = OutputOptions.Default with { Crop = true, Margins = Margins.Uniform(Length.Pixels(20)) with { PadsPastTheEdge = true } };

        using var rendered = new Disposer(Render(new CutoutEffect(), output));

        Assert.Equal((72, 72), (rendered.Value.Width, rendered.Value.Height));
        Assert.Equal(new PixelBox(20, 20, 32, 32), rendered.Value.Foreground);
        using var image = Decode(rendered.Value);
        Assert.All(new[] { (0, 0), (71, 0), (0, 71), (71, 71), (2, 36) }, p => Assert.Equal(0, image.GetPixel(p.Item1, p.Item2).Alpha));
        Assert.Equal(new SKColor(220, 20, 20, 255), image.GetPixel(36, 36));
    }

    [Fact]
    public void RenderInPlace_WhenPaddingMarginsDiffer_ShouldGrowEachSideByItsOwn()
    {
        // top 10 px, right 40 px, bottom 25 % of 32 = 8 px, left 0: the photo ends 16 px right of the subject.
        var margins = new Margins(Length.Pixels(10), Length.Pixels(40), Length.Percent(25), Length.Pixels(0)) { PadsPastTheEdge = true };

        using var rendered = new Disposer(Render(new MaskEffect(), OutputOptions.Default with { Crop = true, Margins = margins }));

        Assert.Equal((72, 50), (rendered.Value.Width, rendered.Value.Height));
        Assert.Equal(new PixelBox(0, 10, 32, 32), rendered.Value.Foreground);
        using var image = Decode(rendered.Value);
        Assert.Equal(0, image.GetPixel(70, 20).Red); // the matte's padding is background
        Assert.Equal(255, image.GetPixel(5, 20).Red);
    }

    [Fact]
    public void RenderInPlace_WhenPaddedOnAColour_ShouldFillThePaddingWithTheColour()
    {
        var output = OutputOptions.Default with { Crop = true, Format = OutputFormat.Png, Margins = Margins.Uniform(Length.Percent(50)) with { PadsPastTheEdge = true } };

        using var rendered = new Disposer(Render(new ColorEffect(new Rgba(0, 128, 0)), output));

        Assert.Equal((64, 64), (rendered.Value.Width, rendered.Value.Height)); // 50 % of 32 = 16 a side: the photo's own size
        using var padded = new Disposer(Render(
            new ColorEffect(new Rgba(0, 128, 0)), output with { Margins = Margins.Uniform(Length.Pixels(30)) with { PadsPastTheEdge = true } }));
        using var image = Decode(padded.Value);
        Assert.Equal((92, 92), (image.Width, image.Height));
        Assert.Equal(new SKColor(0, 128, 0, 255), image.GetPixel(0, 0)); // past the photo: the colour, not transparency
        Assert.Equal(new SKColor(0, 128, 0, 255), image.GetPixel(20, 20)); // the photo's own background: the colour too
        Assert.Equal(new SKColor(220, 20, 20, 255), image.GetPixel(46, 46));
    }

    [Fact]
    public void RenderInPlace_WhenPaddedOnAPicture_ShouldCoverTheWholeDeliveredCanvas()
    {
        var picture = TestImages.Encode(10, 10, (_, _) => SKColors.Blue);
        var output = OutputOptions.Default with { Crop = true, Margins = Margins.Uniform(Length.Pixels(30)) with { PadsPastTheEdge = true } };

        using var rendered = new Disposer(Render(new ImageBackgroundEffect(picture), output));

        using var image = Decode(rendered.Value);
        Assert.Equal((92, 92), (image.Width, image.Height));
        Assert.Equal(new SKColor(0, 0, 255, 255), image.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 0, 255, 255), image.GetPixel(91, 91));
    }

    [Fact]
    public void RenderInPlace_WhenAShadowFallsOnAColour_ShouldDarkenTheColourBelowTheSubject()
    {
        var shadow = new ShadowEffect(0, 10, 4, new Rgba(0, 0, 0, 200)) { Background = new ColorEffect(new Rgba(255, 255, 255)) };

        using var rendered = new Disposer(Render(shadow, OutputOptions.Default with { Format = OutputFormat.Auto }));

        Assert.Equal("image/jpeg", rendered.Value.ContentType); // opaque: the colour is under everything
        using var image = Decode(rendered.Value);
        var below = image.GetPixel(32, 52);
        var corner = image.GetPixel(2, 2);
        Assert.True(below.Red < 200 && below.Red == below.Blue, $"shadow {below}");
        Assert.True(corner.Red > 245 && corner.Green > 245 && corner.Blue > 245, $"corner {corner}");
    }

    [Fact]
    public void RenderInPlace_WhenAShadowIsAskedAsMatteOnly_ShouldDeliverTheShadowedAlphaAsGrey()
    {
        var shadow = new ShadowEffect(0, 10, 4, new Rgba(0, 0, 0, 200));

        using var colour = new Disposer(Render(shadow, OutputOptions.Default));
        using var matte = new Disposer(Render(shadow with { MatteOnly = true }, OutputOptions.Default));

        Assert.True(shadow with { MatteOnly = true } is { IsOpaque: true });
        // 8-bit grey, on the shadow's canvas: 47 + 10 px offset + 3σ = 69 rows
        Assert.Equal((64, 70, 8, 0), TestImages.PngHeader(matte.Value.Content.Memory.ToArray()));
        using var rgba = Decode(colour.Value);
        using var grey = Decode(matte.Value);
        Assert.InRange(grey.GetPixel(32, 52).Red, 1, 254); // the shadow is in the matte
        Assert.Equal((rgba.Width, rgba.Height), (grey.Width, grey.Height));
        for (var y = 0; y < rgba.Height; y += 2)
        {
            for (var x = 0; x < rgba.Width; x += 2)
            {
                Assert.Equal(rgba.GetPixel(x, y).Alpha, grey.GetPixel(x, y).Red);
            }
        }
    }

    [Fact]
    public void ShadowEffect_WhenItsBackgroundIsNeitherAColourNorAPicture_ShouldBeRefused()
    {
        Assert.Throws<ArgumentException>(() => new ShadowEffect(0, 0, 0, default) { Background = new BlurEffect(3) });
    }

    [Fact]
    public void Margins_WhenTheyPadPastTheEdge_ShouldNotClipAndSayTheLargestBox()
    {
        var margins = new Margins(Length.Pixels(900), Length.Percent(80), Length.Pixels(10), Length.Pixels(0)) { PadsPastTheEdge = true };

        var box = margins.Around(new PixelBox(0, 20, 100, 100), 100, 120);

        Assert.Equal(new PixelBox(0, -480, 150, 610), box); // 500 px and 50 % at most, past the 100 x 120 image
        Assert.Equal((1000 + 500, 2000 + 500 + 10), margins.Largest(1000, 2000));
        Assert.Equal((1000, 2000), (margins with { PadsPastTheEdge = false }).Largest(1000, 2000));
    }

    [Fact]
    public void RenderInPlace_WhenOverTheOutputsPixelCap_ShouldScaleDownAndScaleTheForegroundBox()
    {
        using var rendered = new Disposer(Render(new CutoutEffect(), OutputOptions.Default with { MaxPixels = 32 * 32 }));

        Assert.Equal((32, 32), (rendered.Value.Width, rendered.Value.Height));
        Assert.Equal(new PixelBox(8, 8, 16, 16), rendered.Value.Foreground);
    }

    [Fact]
    public void RenderInPlace_WhenFormatIsAutoAndResultIsTransparent_ShouldChoosePng()
    {
        using var rendered = new Disposer(Render(new CutoutEffect(), OutputOptions.Default with { Format = OutputFormat.Auto }));

        Assert.Equal("image/png", rendered.Value.ContentType);
        Assert.Equal((64, 64, 8, 6), TestImages.PngHeader(rendered.Value.Content.Memory.ToArray()));
    }

    [Fact]
    public void RenderInPlace_WhenFormatIsZip_ShouldPackColorJpgThenAlphaPngThatRecomposeThePng()
    {
        using var zip = new Disposer(Render(new CutoutEffect(), OutputOptions.Default with { Format = OutputFormat.Zip, Quality = 100 }));
        using var png = new Disposer(Render(new CutoutEffect(), OutputOptions.Default));

        Assert.Equal("application/zip", zip.Value.ContentType);
        using var archive = new ZipArchive(new MemoryStream(zip.Value.Content.Memory.ToArray()));
        Assert.Equal(["color.jpg", "alpha.png"], archive.Entries.Select(e => e.FullName));
        using var color = SKBitmap.Decode(archive.Entries[0].Open());
        using var alpha = SKBitmap.Decode(archive.Entries[1].Open());
        using var expected = Decode(png.Value);
        for (var y = 0; y < 64; y += 3)
        {
            for (var x = 0; x < 64; x += 3)
            {
                var want = expected.GetPixel(x, y);
                Assert.Equal(want.Alpha, alpha.GetPixel(x, y).Red);
                if (want.Alpha > 0 && x is > 17 and < 46 && y is > 17 and < 46)
                {
                    var got = color.GetPixel(x, y);
                    Assert.InRange(Math.Abs(got.Red - want.Red) + Math.Abs(got.Green - want.Green) + Math.Abs(got.Blue - want.Blue), 0, 24);
                }
            }
        }
    }

    [Fact]
    public void Region_WhenPastTheImageOrEmpty_ShouldBeRefusedWithRemoveBgsCodes()
    {
        var size = new ImageSize(100, 50);

        var outside = new Region(Length.Pixels(0), Length.Pixels(0), Length.Pixels(101), Length.Pixels(10)).Resolve(size);
        var empty = new Region(Length.Percent(50), Length.Pixels(0), Length.Percent(40), Length.Pixels(10)).Resolve(size);
        var inside = new Region(Length.Percent(10), Length.Percent(10), Length.Pixels(100), Length.Percent(100)).Resolve(size);

        Assert.Equal("roi_exceeds_bounds", outside.Error?.Code);
        Assert.Equal("roi_region_empty", empty.Error?.Code);
        Assert.Equal(new PixelBox(10, 5, 90, 45), inside.Value);
    }

    [Theory]
    [InlineData("green", 0, 128, 0)]
    [InlineData("RebeccaPurple", 0x66, 0x33, 0x99)]
    [InlineData("WHITE", 255, 255, 255)]
    public void CssColors_WhenNameIsKnown_ShouldGiveItsColourInAnyCase(string name, int r, int g, int b)
    {
        Assert.True(CssColors.TryGet(name, out var color));
        Assert.Equal(new Rgba((byte)r, (byte)g, (byte)b), color);
    }

    private sealed class Disposer(RenderedImage value) : IDisposable
    {
        public RenderedImage Value { get; } = value;

        public void Dispose() => Value.Content.Dispose();
    }
}
