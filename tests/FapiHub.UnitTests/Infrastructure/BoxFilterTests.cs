using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class BoxFilterTests
{
    [Theory]
    [InlineData(37, 21, 3, false)]
    [InlineData(37, 21, 3, true)]
    [InlineData(40, 33, 14, true)] // above the directly summed radii: running sums
    [InlineData(9, 50, 12, false)] // the largest direct radius, wider than the image
    public void MeanOfProduct_WhenComparedWithBruteForce_ShouldMatchIncludingClippedBorders(int width, int height, int radius, bool product)
    {
        var random = new Random(11);
        var left = Enumerable.Range(0, width * height).Select(_ => (float)random.NextDouble()).ToArray();
        var right = Enumerable.Range(0, width * height).Select(_ => (float)random.NextDouble()).ToArray();
        var actual = new float[width * height];

        BoxFilter.MeanOfProduct(left, product ? right : default, actual, width, height, radius);

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var expected = BruteForceBoxMean.At(i => product ? (double)left[i] * right[i] : left[i], width, height, radius, x, y);
                Assert.Equal(expected, actual[(y * width) + x], 1e-5);
            }
        }
    }

    [Fact]
    public void ColorCoefficients_WhenComparedWithADoublePrecisionSolve_ShouldAgreeInTheVectorBodyAndTheTail()
    {
        // 23 × 19 = 437 pixels: whole vectors and a scalar tail. A smooth, strongly correlated guide (nearly grey) makes the
        // 3×3 systems nearly singular, where a float solve would drift.
        const int W = 23, H = 19, R = 2;
        const float Eps = 1e-4f;
        var random = new Random(3);
        float[] red = new float[W * H], green = new float[W * H], blue = new float[W * H], input = new float[W * H];
        for (var i = 0; i < input.Length; i++)
        {
            var grey = (float)random.NextDouble();
            red[i] = grey;
            green[i] = Math.Clamp(grey + (0.02f * (float)random.NextDouble()), 0, 1);
            blue[i] = Math.Clamp(grey - (0.02f * (float)random.NextDouble()), 0, 1);
            input[i] = random.NextDouble() < 0.5 ? 0f : 1f;
        }

        float[] ar = new float[W * H], ag = new float[W * H], ab = new float[W * H], b = new float[W * H];
        ColorGuidedFilter.Coefficients(red, green, blue, input, W, H, R, Eps, ar, ag, ab, b);

        var expected = ReferenceOutput(red, green, blue, input, W, H, R, Eps);
        for (var i = 0; i < input.Length; i++)
        {
            var q = (ar[i] * red[i]) + (ag[i] * green[i]) + (ab[i] * blue[i]) + b[i];
            Assert.Equal(expected[i], q, 1e-3);
        }
    }

    /// <summary>
    /// The fast guided filter's promise (He and Sun, 2015): coefficients solved on the working grid and interpolated to a
    /// larger photo give nearly the matte the exact filter gives when solved on the photo itself. A colour disc with
    /// noise on a gradient, 1536 × 1152 (grid 1024 × 768), a soft 384² matte.
    /// </summary>
    [Fact]
    public void EdgeAwareUpsampler_WhenPhotoIsLargerThanTheGrid_ShouldAgreeWithTheExactFilterAtFullResolution()
    {
        const int W = 1536, H = 1152, Low = 384;
        var random = new Random(9);
        using var photo = new RgbaImage(W, H);
        var pixels = photo.Span;
        double cx = W * 0.5, cy = H * 0.5, radius = H * 0.3;
        for (var y = 0; y < H; y++)
        {
            for (var x = 0; x < W; x++)
            {
                var p = ((y * W) + x) * 4;
                var inside = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < radius * radius;
                var noise = random.Next(-10, 11);
                pixels[p] = (byte)Math.Clamp((inside ? 200 : 40 + (x * 120 / W)) + noise, 0, 255);
                pixels[p + 1] = (byte)Math.Clamp((inside ? 90 : 60 + (y * 100 / H)) + noise, 0, 255);
                pixels[p + 2] = (byte)Math.Clamp((inside ? 60 : 150) + noise, 0, 255);
                pixels[p + 3] = 255;
            }
        }

        var matte = new float[Low * Low];
        for (var y = 0; y < Low; y++)
        {
            for (var x = 0; x < Low; x++)
            {
                var d = Math.Sqrt(Math.Pow(((x + 0.5) * W / Low) - cx, 2) + Math.Pow(((y + 0.5) * H / Low) - cy, 2));
                matte[(y * Low) + x] = (float)Math.Clamp(((radius - d) / 8) + 0.5, 0, 1);
            }
        }

        var settings = new EdgeAwareSettings(ColorGuide: true, Radius: 2, Epsilon: 1e-4f);
        using var fast = new AlphaMask(W, H);
        using (var grid = WorkingGrid.Create(photo, color: true))
        {
            EdgeAwareUpsampler.Apply(grid, photo, matte, Low, Low, settings, fast);
        }

        // The exact filter: the same window in photo pixels, solved on the photo.
        var exactRadius = (int)Math.Round(EdgeAwareUpsampler.WorkingRadius(2, 1024, 768, Low, Low) * W / 1024.0);
        float[] red = new float[W * H], green = new float[W * H], blue = new float[W * H], input = new float[W * H];
        PixelKernels.Deinterleave(pixels, red, green, blue);
        for (var i = 0; i < red.Length; i++)
        {
            red[i] /= 255f;
            green[i] /= 255f;
            blue[i] /= 255f;
        }

        MaskResampler.Resize(matte, Low, Low, input, W, H);
        float[] ar = new float[W * H], ag = new float[W * H], ab = new float[W * H], b = new float[W * H];
        ColorGuidedFilter.Coefficients(red, green, blue, input, W, H, exactRadius, 1e-4f, ar, ag, ab, b);

        double sum = 0;
        var far = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var exact = Math.Clamp((ar[i] * red[i]) + (ag[i] * green[i]) + (ab[i] * blue[i]) + b[i], 0, 1);
            var difference = Math.Abs((fast.Span[i] / 255.0) - exact);
            sum += difference;
            far += difference > 0.1 ? 1 : 0;
        }

        var mean = sum / input.Length;
        Assert.True(mean < 0.005, $"mean |fast − exact| {mean:F5}");
        Assert.True(far < input.Length / 1000, $"{far} pixels differ by more than 0.1");
    }

    /// <summary>The colour guided filter's output computed plainly, in double, for comparison.</summary>
    private static double[] ReferenceOutput(float[] red, float[] green, float[] blue, float[] input, int w, int h, int r, float eps)
    {
        var n = w * h;
        double[] Mean(Func<int, double> value)
        {
            var result = new double[n];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    result[(y * w) + x] = BruteForceBoxMean.At(value, w, h, r, x, y);
                }
            }

            return result;
        }

        var (mr, mg, mb, mp) = (Mean(i => red[i]), Mean(i => green[i]), Mean(i => blue[i]), Mean(i => input[i]));
        var (rr, rg, rb) = (Mean(i => red[i] * (double)red[i]), Mean(i => red[i] * (double)green[i]), Mean(i => red[i] * (double)blue[i]));
        var (gg, gb, bb) = (Mean(i => green[i] * (double)green[i]), Mean(i => green[i] * (double)blue[i]), Mean(i => blue[i] * (double)blue[i]));
        var (rp, gp, bp) = (Mean(i => red[i] * (double)input[i]), Mean(i => green[i] * (double)input[i]), Mean(i => blue[i] * (double)input[i]));
        double[] a0 = new double[n], a1 = new double[n], a2 = new double[n], a3 = new double[n];
        for (var i = 0; i < n; i++)
        {
            var s = new double[3, 3]
            {
                { rr[i] - (mr[i] * mr[i]) + eps, rg[i] - (mr[i] * mg[i]), rb[i] - (mr[i] * mb[i]) },
                { rg[i] - (mr[i] * mg[i]), gg[i] - (mg[i] * mg[i]) + eps, gb[i] - (mg[i] * mb[i]) },
                { rb[i] - (mr[i] * mb[i]), gb[i] - (mg[i] * mb[i]), bb[i] - (mb[i] * mb[i]) + eps },
            };
            var c = new[] { rp[i] - (mr[i] * mp[i]), gp[i] - (mg[i] * mp[i]), bp[i] - (mb[i] * mp[i]) };
            var a = SolveByCramer(s, c);
            (a0[i], a1[i], a2[i]) = (a[0], a[1], a[2]);
            a3[i] = mp[i] - (a[0] * mr[i]) - (a[1] * mg[i]) - (a[2] * mb[i]);
        }

        var (qa0, qa1, qa2, qa3) = (Mean(i => a0[i]), Mean(i => a1[i]), Mean(i => a2[i]), Mean(i => a3[i]));
        return Enumerable.Range(0, n).Select(i => (qa0[i] * red[i]) + (qa1[i] * green[i]) + (qa2[i] * blue[i]) + qa3[i]).ToArray();
    }

    private static double[] SolveByCramer(double[,] m, double[] c)
    {
        static double Det(double[,] a) =>
            (a[0, 0] * ((a[1, 1] * a[2, 2]) - (a[1, 2] * a[2, 1])))
            - (a[0, 1] * ((a[1, 0] * a[2, 2]) - (a[1, 2] * a[2, 0])))
            + (a[0, 2] * ((a[1, 0] * a[2, 1]) - (a[1, 1] * a[2, 0])));
        var d = Det(m);
        var result = new double[3];
        for (var k = 0; k < 3; k++)
        {
            var copy = (double[,])m.Clone();
            for (var row = 0; row < 3; row++)
            {
                copy[row, k] = c[row];
            }

            result[k] = Det(copy) / d;
        }

        return result;
    }
}
