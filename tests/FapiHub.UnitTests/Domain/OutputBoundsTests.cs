using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Imaging;

namespace FapiHub.UnitTests.Domain;

/// <summary>The canvas-size rule the handler's pre-check and the compositor share (issue 13, item 1).</summary>
public sealed class OutputBoundsTests
{
    private const long Limit = 25_000_000;
    private static readonly Rgba Black = new(0, 0, 0, 150);

    [Fact]
    public void Largest_WhenTheReproShapeIsAsked_ShouldGrowTheThinImageByTheOffsetAndThreeSigma()
    {
        // The 4 × 300,000 PNG with offset_x=-1000, offset_y=1000, blur_radius=100 (3σ = 300).
        var canvas = OutputBounds.Largest(new ImageSize(4, 300_000), new ShadowEffect(-1000, 1000, 100, Black));

        Assert.Equal(new Canvas(-1300, 0, 1304, 301_300), canvas);
        Assert.Equal(392_895_200, canvas.Pixels);
    }

    [Fact]
    public void Check_WhenPaddingCropMarginsGrowTheCanvasPastTheLimit_ShouldRefuseNamingCropMargin()
    {
        // 5000 x 4000 = 20 MP fits 25 MP; 500 px a side makes it 6000 x 5000 = 30 MP.
        var margins = Margins.Uniform(Length.Pixels(500)) with { PadsPastTheEdge = true };
        var output = OutputOptions.Default with { Crop = true, Margins = margins };

        var error = OutputBounds.Check(new ImageSize(5000, 4000), new CutoutEffect(), Limit, output);
        var clipped = OutputBounds.Check(new ImageSize(5000, 4000), new CutoutEffect(), Limit, output with { Margins = margins with { PadsPastTheEdge = false } });
        var uncropped = OutputBounds.Check(new ImageSize(5000, 4000), new CutoutEffect(), Limit, output with { Crop = false });

        Assert.Equal(("image_too_large", "crop_margin"), (error?.Code, error?.Field));
        Assert.Contains("the crop margin pads the 5000x4000 image to a canvas of up to 6000x5000 pixels", error!.Message, StringComparison.Ordinal);
        Assert.Null(clipped);
        Assert.Null(uncropped);
    }

    [Fact]
    public void Check_WhenTheReproShapeIsAsked_ShouldRefuseNamingTheFieldTheSizeAndTheLimit()
    {
        var error = OutputBounds.Check(new ImageSize(4, 300_000), new ShadowEffect(-1000, 1000, 100, Black), Limit);

        Assert.NotNull(error);
        Assert.Equal("image_too_large", error.Code);
        Assert.Equal("offset_x", error.Field); // resetting it shrinks the canvas most (to 604 px wide)
        Assert.Equal(
            "Field 'offset_x': with offset_x=-1000, offset_y=1000 and blur_radius=100 the shadow grows the 4x300000 image to a canvas "
            + "of up to 1304x301300 pixels; the limit is 25000000 pixels (width x height). Lower offset_x (towards 0) or send a smaller image.",
            error.Message);
    }

    [Fact]
    public void Check_WhenOnlyTheBlurGrowsTheCanvas_ShouldNameBlurRadiusAlone()
    {
        // 100 × 240,000 = 24 MP fits; 3σ = 300 on every side makes it 700 × 240,600.
        var error = OutputBounds.Check(new ImageSize(100, 240_000), new ShadowEffect(0, 0, 100, Black), Limit);

        Assert.Equal("blur_radius", error?.Field);
        Assert.Contains("with blur_radius=100 the shadow", error!.Message, StringComparison.Ordinal);
        Assert.Contains("700x240600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenTheCanvasWouldOverflowAnIntBuffer_ShouldRefuseInsteadOfThrowing()
    {
        // The 4 × 1,000,000 case: 1304 × 1,001,300 × 4 bytes is past int.MaxValue (the old OverflowException).
        var error = OutputBounds.Check(new ImageSize(4, 1_000_000), new ShadowEffect(-1000, 1000, 100, Black), Limit);

        Assert.Equal("image_too_large", error?.Code);
        Assert.Contains("1304x1001300", error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue)]
    [InlineData(int.MaxValue, 1, int.MinValue, int.MinValue, int.MaxValue)]
    [InlineData(1, int.MaxValue, int.MaxValue, int.MinValue, int.MaxValue)]
    [InlineData(46_341, 46_341, 1000, -1000, 100)]
    [InlineData(4, 1000, int.MinValue, int.MaxValue, int.MaxValue)]
    public void Check_WhenSizesAndFieldsAreOverflowSized_ShouldRefuseWithoutOverflowing(int width, int height, int offsetX, int offsetY, int blur)
    {
        var shadow = new ShadowEffect(offsetX, offsetY, blur, Black);

        var canvas = OutputBounds.Largest(new ImageSize(width, height), shadow);
        var error = OutputBounds.Check(new ImageSize(width, height), shadow, Limit);

        Assert.True(canvas.Width >= width && canvas.Height >= height, $"{canvas} is smaller than the photo");
        Assert.True(canvas.Pixels >= (long)width * height);
        Assert.Equal("image_too_large", error?.Code);
    }

    [Fact]
    public void Pixels_WhenTheProductOverflowsALong_ShouldSaturate()
    {
        var canvas = new Canvas(0, 0, 3L * int.MaxValue, 3L * int.MaxValue);

        Assert.Equal(long.MaxValue, canvas.Pixels);
    }

    [Theory]
    [InlineData(1L + int.MaxValue, 1)]
    [InlineData(1, 1L + int.MaxValue)]
    [InlineData(0, 5)]
    public void ToImageSize_WhenTheCanvasDoesNotFitAnImage_ShouldThrowArgumentOutOfRange(long width, long height) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Canvas(0, 0, width, height).ToImageSize());

    [Fact]
    public void Check_WhenADefaultShadowFallsOnAnOrdinaryPhoto_ShouldAccept()
    {
        // A 12 MP phone photo with the form's defaults (offset_y 10, blur_radius 15).
        Assert.Null(OutputBounds.Check(new ImageSize(4000, 3000), new ShadowEffect(0, 10, 15, Black), Limit));
    }

    [Fact]
    public void Check_WhenTheCanvasIsExactlyTheLimit_ShouldAccept()
    {
        var shadow = new ShadowEffect(10, 0, 0, Black); // grows 90 → 100 px wide

        Assert.Null(OutputBounds.Check(new ImageSize(90, 1000), shadow, 100_000));
        Assert.NotNull(OutputBounds.Check(new ImageSize(90, 1000), shadow, 99_999));
    }

    [Fact]
    public void Check_WhenThePhotoItselfIsOverTheLimit_ShouldBeThePlainImageTooLarge()
    {
        var error = OutputBounds.Check(new ImageSize(6000, 5000), new CutoutEffect(), Limit);

        Assert.Equal("image_too_large", error?.Code);
        Assert.Null(error!.Field);
    }

    public static TheoryData<Effect> FlatEffects => new()
    {
        new CutoutEffect(), new MaskEffect(), new BlurEffect(50), new ColorEffect(Black), new GradientEffect(Black, Black),
    };

    [Theory]
    [MemberData(nameof(FlatEffects))]
    public void Largest_WhenTheEffectIsNotAShadow_ShouldBeThePhoto(Effect effect)
    {
        Assert.Equal(new Canvas(0, 0, 4, 300_000), OutputBounds.Largest(new ImageSize(4, 300_000), effect));
        Assert.Null(OutputBounds.Check(new ImageSize(4, 300_000), effect, Limit));
    }

    [Fact]
    public void ShadowCanvas_WhenThereIsNoSubject_ShouldBeThePhoto() =>
        Assert.Equal(new Canvas(0, 0, 64, 48), OutputBounds.ShadowCanvas(new ImageSize(64, 48), null, new ShadowEffect(-1000, 1000, 100, Black)));

    [Fact]
    public void ShadowCanvas_WhenTheShadowStaysInside_ShouldBeThePhoto() =>
        Assert.Equal(new Canvas(0, 0, 64, 64), OutputBounds.ShadowCanvas(new ImageSize(64, 64), new PixelBox(16, 16, 32, 32), new ShadowEffect(4, 4, 2, Black)));

    [Fact]
    public void ShadowCanvas_WhenAnySubjectIsInThePhoto_ShouldNeverExceedTheLargest()
    {
        // The pre-check bounds the canvas before the model has found the subject: it must hold for every subject box.
        var random = new Random(13);
        for (var i = 0; i < 2_000; i++)
        {
            var photo = new ImageSize(random.Next(1, 400), random.Next(1, 400));
            var shadow = new ShadowEffect(random.Next(-1000, 1001), random.Next(-1000, 1001), random.Next(0, 101), Black);
            int x = random.Next(photo.Width), y = random.Next(photo.Height);
            var subject = new PixelBox(x, y, random.Next(1, photo.Width - x + 1), random.Next(1, photo.Height - y + 1));

            var canvas = OutputBounds.ShadowCanvas(photo, subject, shadow);
            var largest = OutputBounds.Largest(photo, shadow);

            Assert.InRange(canvas.Width, photo.Width, largest.Width);
            Assert.InRange(canvas.Height, photo.Height, largest.Height);
            Assert.InRange(canvas.Left, largest.Left, 0);
            Assert.InRange(canvas.Top, largest.Top, 0);
        }
    }

    [Theory]
    [InlineData(0, 0, 10, 10, 10_000)]
    [InlineData(int.MaxValue - 5, int.MaxValue - 5, 5, 5, 10_000)]
    public void Inflate_WhenTheCropMarginReachesPastTheImage_ShouldClipToItWithoutWrapping(int x, int y, int width, int height, int margin)
    {
        var image = (Width: int.MaxValue, Height: int.MaxValue);

        var box = new PixelBox(x, y, width, height).Inflate(margin, image.Width, image.Height);

        Assert.True(box.X >= 0 && box.Y >= 0 && box.Width > 0 && box.Height > 0, box.ToString());
        Assert.True((long)box.X + box.Width <= image.Width && (long)box.Y + box.Height <= image.Height, box.ToString());
    }
}
