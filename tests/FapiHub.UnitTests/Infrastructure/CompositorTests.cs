using FapiHub.Application.Common;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Options;
using static FapiHub.UnitTests.Infrastructure.SquareScene;

namespace FapiHub.UnitTests.Infrastructure;

/// <summary>Effects on synthetic images with known answers: a subject square (mask 255) on a patterned background.</summary>
public sealed class CompositorTests
{
    [Fact]
    public void Compose_WhenSolidColour_ShouldKeepTheSubjectAndPaintTheBackground()
    {
        using var photo = Photo();
        using var mask = SquareMask();

        using var result = Compositor.OverBackground(photo, mask, new ColorEffect(new Rgba(10, 200, 30)));

        Assert.Equal([10, 200, 30, 255], Pixel(result, 2, 2));
        Assert.Equal([220, 20, 20, 255], Pixel(result, 32, 32));
    }

    [Fact]
    public void Compose_WhenColourIsTranslucent_ShouldKeepTheBackgroundTranslucentAndTheSubjectOpaque()
    {
        using var photo = Photo();
        using var mask = SquareMask();

        using var result = Compositor.OverBackground(photo, mask, new ColorEffect(new Rgba(0, 0, 255, 128)));

        Assert.Equal([0, 0, 255, 128], Pixel(result, 2, 2));
        Assert.Equal((byte)255, Pixel(result, 32, 32)[3]);
    }

    [Fact]
    public void Compose_WhenGradient_ShouldRunFromTopColourToBottomColour()
    {
        using var photo = Photo();
        using var mask = SquareMask();

        using var result = Compositor.OverBackground(photo, mask, new GradientEffect(new Rgba(0, 0, 0), new Rgba(255, 255, 255)));

        Assert.Equal([0, 0, 0, 255], Pixel(result, 1, 0));
        Assert.Equal([255, 255, 255, 255], Pixel(result, 1, Size - 1));
        Assert.InRange(Pixel(result, 1, Size / 2)[0], 120, 135);
    }

    [Fact]
    public void Compose_WhenBlur_ShouldSmoothTheBackgroundKeepTheSubjectAndNotBleedItsColour()
    {
        using var photo = Photo();
        using var mask = SquareMask();
        var before = Variance(photo, 0, 0, 12);

        using var result = Compositor.OverBackground(photo, mask, new BlurEffect(4));

        Assert.True(Variance(result, 0, 0, 12) < before / 10, "the checkerboard background should be blurred flat");
        Assert.Equal(Pixel(Photo(), 32, 32), Pixel(result, 32, 32)); // subject untouched
        // Right outside the subject the blurred background is still grey, not pulled towards the subject's red.
        var outside = Pixel(result, 14, 32);
        Assert.InRange(outside[0] - outside[1], -20, 20);
        Assert.All(Enumerable.Range(0, Size * Size), i => Assert.Equal(255, result.Span[(i * 4) + 3]));
    }

    [Fact]
    public void Compose_WhenShadowReachesPastTheEdge_ShouldGrowTheCanvasAndOffsetTheShadow()
    {
        using var photo = Photo();
        using var mask = SquareMask(); // subject 16..47

        using var result = Shadow(photo, mask, new ShadowEffect(30, 0, 2, new Rgba(0, 0, 0, 200)));

        // The shadow box reaches 47 + 30 + 6 = 83 > 63, so the canvas grows to the right only.
        Assert.Equal((84, Size), (result.Width, result.Height));
        Assert.Equal((byte)0, Pixel(result, 2, 32)[3]);             // background stays transparent
        Assert.Equal((byte)255, Pixel(result, 32, 32)[3]);          // the subject
        Assert.InRange(Pixel(result, 70, 32)[3], 150, 210);         // the shadow, 30 px to the right
        Assert.Equal((byte)0, Pixel(result, 70, 32)[0]);            // in the shadow colour
    }

    [Theory]
    [InlineData(30, 0, 2)]
    [InlineData(-1000, 1000, 100)]
    [InlineData(0, -40, 20)]
    public void Compose_WhenShadow_ShouldHaveExactlyTheCanvasTheSizeRuleGives(int offsetX, int offsetY, int blur)
    {
        using var photo = Photo();
        using var mask = SquareMask();
        var shadow = new ShadowEffect(offsetX, offsetY, blur, new Rgba(0, 0, 0, 200));
        var expected = OutputBounds.ShadowCanvas(new ImageSize(Size, Size), new PixelBox(16, 16, 32, 32), shadow);

        using var result = Shadow(photo, mask, shadow);

        Assert.Equal((expected.Width, expected.Height), (result.Width, result.Height));
        Assert.True(result.Width * (long)result.Height <= OutputBounds.Largest(new ImageSize(Size, Size), shadow).Pixels);
    }

    [Fact]
    public void Compose_WhenTheLargestShadowCanvasIsOverTheLimit_ShouldThrowArgumentOutOfRangeBeforeAllocating()
    {
        var processor = new SkiaImageProcessor(Options.Create(new ImagingOptions()), Options.Create(new LimitsOptions { MaxPixels = Size * Size }));
        using var photo = Photo();
        using var mask = SquareMask();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => processor.RenderInPlace(photo, mask, new ShadowEffect(0, 10, 0, new Rgba(0, 0, 0, 200)), OutputOptions.Default));

        Assert.Contains("offset_y", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The shadow as the processor draws it: from the photo cut out in place.</summary>
    private static RgbaImage Shadow(RgbaImage photo, AlphaMask mask, ShadowEffect shadow)
    {
        photo.ApplyAlpha(mask);
        return Compositor.DropShadow(photo, shadow);
    }

    private static double Variance(RgbaImage image, int x0, int y0, int size)
    {
        var values = new List<double>();
        for (var y = y0; y < y0 + size; y++)
        {
            for (var x = x0; x < x0 + size; x++)
            {
                values.Add(Pixel(image, x, y)[1]);
            }
        }

        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Count;
    }
}
