using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class ColorGuidedFilterTests
{
    // A red subject on a green background of the same Rec. 601 luma (≈ 101.8 of 255): a grey guide sees no edge at all.
    private static readonly byte[] Red = [200, 60, 60];
    private static readonly byte[] Green = [60, 131, 60];

    [Fact]
    public void Coefficients_WhenInputIsALinearFunctionOfTheColours_ShouldRecoverThatFunction()
    {
        // p = 0.2·R + 0.5·G − 0.3·B + 0.1 exactly, on a random guide: the least-squares fit in every window is exact,
        // so with a negligible ε the averaged coefficients are those numbers everywhere.
        const int W = 40, H = 30;
        var random = new Random(5);
        float[] red = new float[W * H], green = new float[W * H], blue = new float[W * H], input = new float[W * H];
        for (var i = 0; i < input.Length; i++)
        {
            red[i] = (float)random.NextDouble();
            green[i] = (float)random.NextDouble();
            blue[i] = (float)random.NextDouble();
            input[i] = (0.2f * red[i]) + (0.5f * green[i]) - (0.3f * blue[i]) + 0.1f;
        }

        float[] ar = new float[W * H], ag = new float[W * H], ab = new float[W * H], b = new float[W * H];

        ColorGuidedFilter.Coefficients(red, green, blue, input, W, H, 3, 1e-7f, ar, ag, ab, b);

        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal(0.2f, ar[i], 2);
            Assert.Equal(0.5f, ag[i], 2);
            Assert.Equal(-0.3f, ab[i], 2);
            Assert.Equal(0.1f, b[i], 2);
        }
    }

    /// <summary>
    /// The colour guide's known-answer test: a hard-edged red disc on a green background of equal brightness, with the
    /// model's view simulated by a 4× coarser, box-averaged matte. The colour-guided result must sit at least 20 % closer
    /// to the true edge than bilinear upsampling; the grey guide, blind to this edge, must not beat bilinear at all.
    /// </summary>
    [Fact]
    public void EdgeAwareUpsampler_WhenDiscDiffersOnlyInHue_ShouldFollowTheColourEdgeWhereTheGreyGuideCannot()
    {
        const int Size = 1024, Low = 256;
        var (photo, truth) = Disc(Size);
        using (photo)
        {
            var lowMatte = BoxDownsample(truth, Size, Low);
            var bilinear = new byte[Size * Size];
            MaskResampler.ResizeToBytes(lowMatte, Low, Low, bilinear, Size, Size);
            using var colour = new AlphaMask(Size, Size);
            using var grey = new AlphaMask(Size, Size);

            using var colourGrid = WorkingGrid.Create(photo, color: true);
            using var greyGrid = WorkingGrid.Create(photo, color: false);

            EdgeAwareUpsampler.Apply(colourGrid, photo, lowMatte, Low, Low, new EdgeAwareSettings(ColorGuide: true, Radius: 2, Epsilon: 1e-4f), colour);
            EdgeAwareUpsampler.Apply(greyGrid, photo, lowMatte, Low, Low, new EdgeAwareSettings(ColorGuide: false, Radius: 2, Epsilon: 1e-4f), grey);

            var bilinearError = EdgeBandError(bilinear, truth, Size);
            var colourError = EdgeBandError(colour.Span.ToArray(), truth, Size);
            var greyError = EdgeBandError(grey.Span.ToArray(), truth, Size);
            Assert.True(colourError < bilinearError * 0.8, $"colour {colourError:F4} vs bilinear {bilinearError:F4}");
            Assert.True(greyError > bilinearError, $"grey {greyError:F4} vs bilinear {bilinearError:F4}");
        }
    }

    [Fact]
    public void EdgeAwareUpsampler_WhenSnapIsSet_ShouldMakeConfidentPixelsExactlyZeroOrOne()
    {
        const int Size = 256, Low = 64;
        var (photo, truth) = Disc(Size);
        using (photo)
        {
            // A faint 3 % veil over the background and a 96 % interior: what a model's confident calls look like.
            var lowMatte = BoxDownsample(truth, Size, Low).Select(v => 0.03f + (0.93f * v)).ToArray();
            using var snapped = new AlphaMask(Size, Size);
            using var grid = WorkingGrid.Create(photo, color: true);

            EdgeAwareUpsampler.Apply(grid, photo, lowMatte, Low, Low, new EdgeAwareSettings(ColorGuide: true, Radius: 2, Epsilon: 1e-4f, Snap: 0.05f), snapped);

            Assert.Equal(0, snapped.Span[0]); // a corner, far from the disc
            Assert.Equal(255, snapped.Span[((Size / 2) * Size) + (Size / 2)]); // the centre
        }
    }

    [Theory]
    [InlineData(0.03f, 0.05f, 0f)]
    [InlineData(0.97f, 0.05f, 1f)]
    [InlineData(0.5f, 0.05f, 0.5f)]
    [InlineData(0.03f, 0f, 0.03f)]
    public void Snap_WhenValueIsNearZeroOrOne_ShouldSnapOnlyWithinTheMargin(float value, float margin, float expected)
    {
        Assert.Equal(expected, EdgeAwareUpsampler.Snap(value, margin));
    }

    private static (RgbaImage Photo, float[] Truth) Disc(int size)
    {
        double cx = size * 0.49, cy = size * 0.51, radius = size * 0.3;
        var photo = new RgbaImage(size, size);
        var truth = new float[size * size];
        var pixels = photo.Span;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var i = (y * size) + x;
                var inside = ((x + 0.5 - cx) * (x + 0.5 - cx)) + ((y + 0.5 - cy) * (y + 0.5 - cy)) <= radius * radius;
                truth[i] = inside ? 1f : 0f;
                var colour = inside ? Red : Green;
                pixels[4 * i] = colour[0];
                pixels[(4 * i) + 1] = colour[1];
                pixels[(4 * i) + 2] = colour[2];
                pixels[(4 * i) + 3] = 255;
            }
        }

        return (photo, truth);
    }

    private static float[] BoxDownsample(float[] truth, int size, int low)
    {
        var block = size / low;
        var result = new float[low * low];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                result[((y / block) * low) + (x / block)] += truth[(y * size) + x] / (block * block);
            }
        }

        return result;
    }

    /// <summary>MAE against the truth over pixels within 8 px (on an axis) of the true edge.</summary>
    private static double EdgeBandError(byte[] alpha, float[] truth, int size)
    {
        double sum = 0;
        var count = 0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var here = truth[(y * size) + x];
                var near = truth[(y * size) + Math.Max(0, x - 8)] != here || truth[(y * size) + Math.Min(size - 1, x + 8)] != here
                    || truth[(Math.Max(0, y - 8) * size) + x] != here || truth[(Math.Min(size - 1, y + 8) * size) + x] != here;
                if (near)
                {
                    sum += Math.Abs((alpha[(y * size) + x] / 255.0) - here);
                    count++;
                }
            }
        }

        return sum / count;
    }
}
