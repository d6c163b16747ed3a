using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class GuidedFilterTests
{
    [Theory]
    [InlineData(17, 9, 3)]
    [InlineData(13, 40, 1)] // many more rows than the ring of 2r + 2 row means holds
    [InlineData(6, 3, 4)] // a window larger than the image
    public void BoxMean_WhenComparedWithBruteForce_ShouldMatchIncludingClippedBorders(int width, int height, int radius)
    {
        var random = new Random(7);
        var source = Enumerable.Range(0, width * height).Select(_ => (float)random.NextDouble()).ToArray();
        var actual = new float[width * height];

        GuidedFilter.BoxMean(source, actual, width, height, radius);

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                Assert.Equal(BruteForceBoxMean.At(i => source[i], width, height, radius, x, y), actual[(y * width) + x], 1e-5);
            }
        }
    }

    [Fact]
    public void Coefficients_WhenInputEqualsGuideWithStrongEdges_ShouldReproduceTheInput()
    {
        // With p = I and eps ≪ var(I), a ≈ 1 and b ≈ 0: the filter preserves an edge that the guide also has.
        const int W = 32, H = 32;
        var guide = Enumerable.Range(0, W * H).Select(i => i % W < 16 ? 0.1f : 0.9f).ToArray();
        var a = new float[W * H];
        var b = new float[W * H];

        GuidedFilter.Coefficients(guide, guide, W, H, 4, 1e-4f, a, b);

        for (var i = 0; i < W * H; i++)
        {
            Assert.Equal(guide[i], (a[i] * guide[i]) + b[i], 2);
        }
    }

    /// <summary>
    /// The known-answer test of the refinement: a hard-edged disc on a gradient background, whose true matte is the
    /// disc itself. The model's view is simulated by a coarser matte (box-downsampled, so its edge is soft), from 2×
    /// (a 2048 photo through a 1024 model) to 8× coarser. Guided by the photo, the refined full-resolution matte must
    /// sit at least 15 % closer to the true edge than the bilinear one, with the grey guide (the catalogue's
    /// <c>GuidedFilter</c>) and with aurora's colour guide, radius, ε and snap.
    /// </summary>
    [Theory]
    [InlineData(512, 64, false)]
    [InlineData(1024, 256, false)]
    [InlineData(2048, 512, false)]
    [InlineData(2048, 1024, false)]
    [InlineData(512, 64, true)]
    [InlineData(1024, 256, true)]
    [InlineData(2048, 512, true)]
    [InlineData(2048, 1024, true)]
    public void EdgeAwareUpsampler_WhenDiscOnGradient_ShouldBeCloserToTheTrueEdgeThanBilinear(int size, int low, bool colorGuide)
    {
        double cx = size * 0.49, cy = size * 0.51, discRadius = size * 0.3;
        bool Inside(int x, int y) => ((x + 0.5 - cx) * (x + 0.5 - cx)) + ((y + 0.5 - cy) * (y + 0.5 - cy)) <= discRadius * discRadius;

        using var photo = new RgbaImage(size, size);
        var pixels = photo.Span;
        var truth = new float[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var i = (y * size) + x;
                truth[i] = Inside(x, y) ? 1f : 0f;
                var value = Inside(x, y) ? (byte)230 : (byte)(20 + (x * 80 / size)); // bright disc, dark gradient
                pixels[(i * 4) + 0] = value;
                pixels[(i * 4) + 1] = value;
                pixels[(i * 4) + 2] = value;
                pixels[(i * 4) + 3] = 255;
            }
        }

        var lowMatte = new float[low * low];
        var block = size / low;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                lowMatte[((y / block) * low) + (x / block)] += truth[(y * size) + x] / (block * block);
            }
        }

        var bilinear = new byte[size * size];
        MaskResampler.ResizeToBytes(lowMatte, low, low, bilinear, size, size);
        using var refined = new AlphaMask(size, size);
        var settings = colorGuide
            ? new EdgeAwareSettings(ColorGuide: true, Radius: 2, Epsilon: 1e-4f, Snap: 0.05f)
            : new EdgeAwareSettings(ColorGuide: false, Radius: 6, Epsilon: 1e-3f);
        using (var grid = WorkingGrid.Create(photo, colorGuide))
        {
            EdgeAwareUpsampler.Apply(grid, photo, lowMatte, low, low, settings, refined);
        }

        var bilinearError = EdgeBandError(bilinear, truth, size, Inside);
        var refinedError = EdgeBandError(refined.Span.ToArray(), truth, size, Inside);
        Assert.True(refinedError < bilinearError * 0.85, $"edge-band MAE refined {refinedError:F4} vs bilinear {bilinearError:F4}");
    }

    [Fact]
    public void WorkingGridSize_WhenPhotoIsLarge_ShouldScaleTheLongestSideDownTo1024AndKeepSmallOnesAsIs()
    {
        Assert.Equal((1024, 768), WorkingGrid.Size(4000, 3000));
        Assert.Equal((576, 1024), WorkingGrid.Size(2250, 4000));
        Assert.Equal((300, 451), WorkingGrid.Size(300, 451));
    }

    private static double EdgeBandError(byte[] alpha, float[] truth, int size, Func<int, int, bool> isInside)
    {
        double sum = 0;
        var count = 0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                // Within 8 px of the true edge: some pixel 8 px away on an axis is on the other side.
                var here = isInside(x, y);
                var near = isInside(Math.Max(0, x - 8), y) != here || isInside(Math.Min(size - 1, x + 8), y) != here
                    || isInside(x, Math.Max(0, y - 8)) != here || isInside(x, Math.Min(size - 1, y + 8)) != here;
                if (near)
                {
                    sum += Math.Abs((alpha[(y * size) + x] / 255.0) - truth[(y * size) + x]);
                    count++;
                }
            }
        }

        return sum / count;
    }
}
