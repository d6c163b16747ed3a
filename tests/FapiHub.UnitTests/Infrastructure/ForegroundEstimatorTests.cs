using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class ForegroundEstimatorTests
{
    private static readonly byte[] Subject = [230, 40, 30];
    private static readonly byte[] OldBackground = [20, 60, 220];
    private static readonly byte[] NewBackground = [40, 220, 40];

    /// <summary>
    /// The known-answer test of decontamination: a red subject blended over a blue background with a known soft α
    /// (a ramp over 24 px, like a soft edge). Every semi-transparent pixel's colour must come back as the subject's red,
    /// so that composited over green it shows no blue fringe, while the photo's own colour would.
    /// </summary>
    [Theory]
    [InlineData(96, 64, 1)]
    [InlineData(2400, 40, 1)] // wider than the working grid: exercises the streaming full-resolution pass
    [InlineData(96, 64, 2)] // a grid of half the photo (aurora's subsampling): the streaming pass on a small photo
    [InlineData(2400, 40, 2)]
    public void ApplyInPlace_WhenKnownColoursAreBlendedAtKnownAlpha_ShouldRecoverTheSubjectColour(int width, int height, int subsample)
    {
        using var photo = new RgbaImage(width, height);
        using var mask = new AlphaMask(width, height);
        Blend(photo, mask);
        var pixels = photo.Span;
        var alpha = mask.Span;
        var fringeBefore = WorstCompositeError(photo, mask);

        Decontaminate(photo, mask, subsample);

        var fringeAfter = WorstCompositeError(photo, mask);
        for (var i = 0; i < alpha.Length; i++)
        {
            // Where α is tiny the pixel is almost all background and its colour hardly shows; from 10 % on it must be exact.
            if (alpha[i] is > 25 and < 255)
            {
                for (var c = 0; c < 3; c++)
                {
                    Assert.InRange(pixels[(4 * i) + c], Subject[c] - 6, Subject[c] + 6);
                }
            }
        }

        Assert.True(fringeBefore > 40, $"the test should start with a visible fringe ({fringeBefore:F1})");
        Assert.True(fringeAfter < 3, $"composited over green, the worst error should be below 3 levels, was {fringeAfter:F1}");
    }

    [Fact]
    public void ApplyInPlace_WhenPixelsAreOpaqueOrTransparent_ShouldLeaveTheirColourUntouched()
    {
        using var photo = new RgbaImage(32, 32);
        using var mask = new AlphaMask(32, 32);
        var random = new Random(3);
        random.NextBytes(photo.Span);
        for (var i = 0; i < mask.Span.Length; i++)
        {
            mask.Span[i] = (i % 32) switch
            {
                < 12 => 0,
                < 20 => 128,
                _ => 255,
            };
        }

        var before = photo.Span.ToArray();

        Decontaminate(photo, mask);

        for (var i = 0; i < mask.Span.Length; i++)
        {
            if (mask.Span[i] is 0 or 255)
            {
                Assert.Equal(before.AsSpan(4 * i, 4).ToArray(), photo.Span.Slice(4 * i, 4).ToArray());
            }
        }
    }

    /// <summary>
    /// The aurora path: the decontamination on the colour refinement's own grid (its matte plane as the refinement left
    /// it) must give the very bytes it gives on a grid of its own built from the photo, so sharing the grid changes no
    /// pixel, for a photo on the grid and one larger than it.
    /// </summary>
    [Theory]
    [InlineData(96, 64, 1)]
    [InlineData(2400, 40, 1)]
    [InlineData(96, 64, 2)]
    [InlineData(2400, 40, 2)]
    public void ApplyInPlace_WhenGivenTheColourRefinementsGrid_ShouldMatchAGridOfItsOwn(int width, int height, int subsample)
    {
        var settings = new EdgeAwareSettings(ColorGuide: true, Radius: 2, Epsilon: 1e-4f, Snap: 0.05f, Subsample: subsample);
        using var shared = new RgbaImage(width, height);
        using var own = new RgbaImage(width, height);
        using var trueMask = new AlphaMask(width, height);
        Blend(shared, trueMask);
        Blend(own, trueMask);
        var matte = trueMask.Span.ToArray().Select(value => value / 255f).ToArray();
        using var sharedMask = new AlphaMask(width, height);
        using var ownMask = new AlphaMask(width, height);

        var grid = WorkingGrid.Create(shared, color: true, subsample);
        using (var decontamination = new ForegroundEstimator(grid))
        {
            EdgeAwareUpsampler.Apply(grid, shared, matte, width, height, settings, sharedMask);
            decontamination.ApplyInPlace(shared, sharedMask);
        }

        using (var ownGrid = WorkingGrid.Create(own, color: true, subsample))
        {
            EdgeAwareUpsampler.Apply(ownGrid, own, matte, width, height, settings, ownMask);
        }

        Decontaminate(own, ownMask, subsample);

        Assert.Equal(ownMask.Span.ToArray(), sharedMask.Span.ToArray());
        Assert.Equal(own.Span.ToArray(), shared.Span.ToArray());
        Assert.NotEqual(trueMask.Span.ToArray(), sharedMask.Span.ToArray()); // the refinement did write a mask of its own
    }

    /// <summary>The step as a prediction without a shared grid hands it over: it builds its own from the photo.</summary>
    private static void Decontaminate(RgbaImage photo, AlphaMask mask, int subsample = 1)
    {
        using var decontamination = new ForegroundEstimator(subsample: subsample);
        decontamination.ApplyInPlace(photo, mask);
    }

    /// <summary>A red subject blended over a blue background along a soft α ramp across the middle, and that α.</summary>
    private static void Blend(RgbaImage photo, AlphaMask mask)
    {
        int width = photo.Width, height = photo.Height;
        var ramp = Math.Max(24, width / 8);
        var start = (width - ramp) / 2;
        var pixels = photo.Span;
        var alpha = mask.Span;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width) + x;
                var a = Math.Clamp((x - start) / (float)ramp, 0f, 1f);
                alpha[i] = (byte)MathF.Round(a * 255f);
                var exact = alpha[i] / 255f;
                for (var c = 0; c < 3; c++)
                {
                    pixels[(4 * i) + c] = (byte)MathF.Round((exact * Subject[c]) + ((1 - exact) * OldBackground[c]));
                }

                pixels[(4 * i) + 3] = 255;
            }
        }
    }

    /// <summary>The largest per-channel difference between "photo over green" and "true subject over green", in 0–255 levels.</summary>
    private static double WorstCompositeError(RgbaImage photo, AlphaMask mask)
    {
        double worst = 0;
        var pixels = photo.Span;
        var alpha = mask.Span;
        for (var i = 0; i < alpha.Length; i++)
        {
            var a = alpha[i] / 255.0;
            for (var c = 0; c < 3; c++)
            {
                var shown = (a * pixels[(4 * i) + c]) + ((1 - a) * NewBackground[c]);
                var expected = (a * Subject[c]) + ((1 - a) * NewBackground[c]);
                worst = Math.Max(worst, Math.Abs(shown - expected));
            }
        }

        return worst;
    }
}
