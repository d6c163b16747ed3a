using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.UnitTests.Infrastructure;

/// <summary>
/// The subsampled (fast) guided filter of He and Sun (2015): the coefficients solved on the working grid divided by s,
/// interpolated to the photo and applied there.
/// </summary>
public sealed class FastGuidedFilterTests
{
    [Fact]
    public void WorkingGridSize_WhenSubsampled_ShouldDivideTheGridOfTheUnsubsampledFilter()
    {
        Assert.Equal((512, 384), WorkingGrid.Size(1200, 900, 2));
        Assert.Equal((512, 384), WorkingGrid.Size(4000, 3000, 2));
        Assert.Equal((300, 200), WorkingGrid.Size(600, 400, 2));
        Assert.Equal((200, 133), WorkingGrid.Size(600, 400, 3));
        Assert.Equal((600, 400), WorkingGrid.Size(600, 400, 1));
        Assert.Equal((1, 1), WorkingGrid.Size(1, 1, 4));
    }

    /// <summary>At s = 1 the grid is the photo and the result is the classic guided filter, value for value.</summary>
    [Fact]
    public void Apply_WhenSubsampleIsOne_ShouldBeTheUnsubsampledFilterExactly()
    {
        const int W = 160, H = 120;
        using var photo = Textured(W, H);
        var matte = SoftDisc(W, H);
        var settings = new EdgeAwareSettings(ColorGuide: true, Radius: 2, Epsilon: 1e-4f, Subsample: 1);
        var radius = EdgeAwareUpsampler.WorkingRadius(settings.Radius, W, H, W, H);
        var expected = Reference(photo, matte, radius, settings.Epsilon);

        using var mask = new AlphaMask(W, H);
        using (var grid = WorkingGrid.Create(photo, color: true, settings.Subsample))
        {
            Assert.True(grid.Matches(photo));
            EdgeAwareUpsampler.Apply(grid, photo, matte, W, H, settings, mask);
        }

        Assert.Equal(expected, mask.Span.ToArray());
    }

    /// <summary>
    /// On a smooth photo the coefficients vary slowly, so solving them on a grid of half the size and interpolating
    /// them must give nearly the full filter's matte.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_WhenPhotoIsSmooth_ShouldStayCloseToTheUnsubsampledFilter(bool colorGuide)
    {
        const int W = 400, H = 300;
        using var photo = Smooth(W, H);
        var matte = SoftDisc(W / 2, H / 2, soft: 2);
        var full = Refine(photo, matte, W / 2, H / 2, colorGuide, 1);
        var subsampled = Refine(photo, matte, W / 2, H / 2, colorGuide, 2);

        var worst = 0;
        double sum = 0;
        for (var i = 0; i < full.Length; i++)
        {
            var difference = Math.Abs(full[i] - subsampled[i]);
            worst = Math.Max(worst, difference);
            sum += difference;
        }

        Assert.True(sum / full.Length < 0.5, $"mean |Δ| {sum / full.Length:F3} levels");
        Assert.True(worst <= 8, $"largest |Δ| {worst} levels");
    }

    /// <summary>
    /// A photo larger than the working grid (2400×1800: 1024×768 at s = 1, 512×384 at s = 2): the coefficients are
    /// interpolated across grid cells, so on a smooth photo and matte no step may appear at the cells' boundaries —
    /// no jump between neighbouring output pixels larger than the unsubsampled filter's own (which follows the
    /// photo's one-level quantisation steps) or than the soft edge's slope allows.
    /// </summary>
    [Fact]
    public void Apply_WhenPhotoIsLargerThanTheGrid_ShouldShowNoSeamsAtGridBoundaries()
    {
        const int W = 2400, H = 1800;
        using var photo = Smooth(W, H);
        var matte = SoftDisc(256, 192, soft: 8);

        var full = LargestStep(Refine(photo, matte, 256, 192, colorGuide: true, subsample: 1), W, H);
        var refined = Refine(photo, matte, 256, 192, colorGuide: true, subsample: 2);
        var subsampled = LargestStep(refined, W, H);

        Assert.True(subsampled <= Math.Max(full, 3), $"largest step between neighbouring pixels {subsampled} levels (s = 1: {full})");
        Assert.Contains(refined, value => value is > 100 and < 155); // a soft edge is really there
    }

    private static int LargestStep(byte[] values, int width, int height)
    {
        var worst = 0;
        for (var y = 1; y < height; y++)
        {
            for (var x = 1; x < width; x++)
            {
                var here = values[(y * width) + x];
                worst = Math.Max(worst, Math.Max(Math.Abs(here - values[(y * width) + x - 1]), Math.Abs(here - values[((y - 1) * width) + x])));
            }
        }

        return worst;
    }

    private static byte[] Refine(RgbaImage photo, float[] matte, int matteWidth, int matteHeight, bool colorGuide, int subsample)
    {
        var settings = new EdgeAwareSettings(colorGuide, Radius: 2, Epsilon: 1e-4f, Subsample: subsample);
        using var mask = new AlphaMask(photo.Width, photo.Height);
        using (var grid = WorkingGrid.Create(photo, colorGuide, subsample))
        {
            EdgeAwareUpsampler.Apply(grid, photo, matte, matteWidth, matteHeight, settings, mask);
        }

        return mask.Span.ToArray();
    }

    /// <summary>The textbook filter at the photo's resolution: box-averaged coefficients, q = a·I + b per pixel, quantised.</summary>
    private static byte[] Reference(RgbaImage photo, float[] matte, int radius, float epsilon)
    {
        int n = photo.Width * photo.Height;
        float[] red = new float[n], green = new float[n], blue = new float[n];
        for (var i = 0; i < n; i++)
        {
            red[i] = photo.Span[4 * i] / 255f;
            green[i] = photo.Span[(4 * i) + 1] / 255f;
            blue[i] = photo.Span[(4 * i) + 2] / 255f;
        }

        float[] ar = new float[n], ag = new float[n], ab = new float[n], b = new float[n];
        ColorGuidedFilter.Coefficients(red, green, blue, matte, photo.Width, photo.Height, radius, epsilon, ar, ag, ab, b);
        var result = new byte[n];
        for (var i = 0; i < n; i++)
        {
            // The same operation order as the full-size pass: A_R·R, then fused A_G·G and A_B·B, then ·1/255 fused with + B.
            var q = ar[i] * photo.Span[4 * i];
            q = MathF.FusedMultiplyAdd(ag[i], photo.Span[(4 * i) + 1], q);
            q = MathF.FusedMultiplyAdd(ab[i], photo.Span[(4 * i) + 2], q);
            q = MathF.FusedMultiplyAdd(q, 1f / 255f, b[i]);
            result[i] = PixelKernels.ToByte(q);
        }

        return result;
    }

    /// <summary>A disc matte, <paramref name="width"/> × <paramref name="height"/>, with a linear edge 2·<paramref name="soft"/> pixels wide.</summary>
    private static float[] SoftDisc(int width, int height, double soft = 1)
    {
        var matte = new float[width * height];
        double cx = width / 2.0, cy = height / 2.0, r = Math.Min(width, height) * 0.3;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                matte[(y * width) + x] = (float)Math.Clamp(((r - d) / (2 * soft)) + 0.5, 0, 1);
            }
        }

        return matte;
    }

    /// <summary>Slow colour gradients only: the coefficients of the filter vary smoothly over it.</summary>
    private static RgbaImage Smooth(int width, int height)
    {
        var photo = new RgbaImage(width, height);
        var pixels = photo.Span;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = ((y * width) + x) * 4;
                pixels[p] = (byte)(40 + (160 * x / width));
                pixels[p + 1] = (byte)(60 + (120 * y / height));
                pixels[p + 2] = (byte)(200 - (100 * (x + y) / (width + height)));
                pixels[p + 3] = 255;
            }
        }

        return photo;
    }

    private static RgbaImage Textured(int width, int height)
    {
        var photo = new RgbaImage(width, height);
        new Random(11).NextBytes(photo.Span);
        return photo;
    }
}
