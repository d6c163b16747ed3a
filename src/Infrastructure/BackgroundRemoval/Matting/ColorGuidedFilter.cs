using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// The colour-guide guided filter of He, Sun and Tang (ECCV 2010 / TPAMI 2013, eq. 14–16): the output is locally a
/// linear function of the photo's three channels, <c>q = a_R·R + a_G·G + a_B·B + b</c>. Unlike the grey guide it
/// follows an edge between two colours of the same brightness (a red subject on a green background has almost no
/// luma edge), and it needs a smaller ε to do so because colour edges carry more contrast in some channel.
/// </summary>
internal static class ColorGuidedFilter
{
    /// <summary>
    /// Box-averaged coefficients (<paramref name="meanRed"/>, <paramref name="meanGreen"/>, <paramref name="meanBlue"/>,
    /// <paramref name="meanOffset"/>) of the filter for the planar guide (<paramref name="red"/>, <paramref name="green"/>,
    /// <paramref name="blue"/>, 0–1) and <paramref name="input"/>, all <paramref name="width"/> × <paramref name="height"/>.
    /// Evaluating them against a guide of another resolution is the fast guided filter (He and Sun, 2015).
    /// </summary>
    public static void Coefficients(
        ReadOnlySpan<float> red,
        ReadOnlySpan<float> green,
        ReadOnlySpan<float> blue,
        ReadOnlySpan<float> input,
        int width,
        int height,
        int radius,
        float epsilon,
        Span<float> meanRed,
        Span<float> meanGreen,
        Span<float> meanBlue,
        Span<float> meanOffset)
    {
        var n = width * height;
        // Ten statistics per pixel: the covariance matrix of the guide (6) and its covariance with the input (3) need the
        // means of the guide (3) and input (1) first. The four output spans hold four of them until a and b are known.
        // meanOffset is free until the very end, so it serves as the product scratch plane.
        using var buffer = new PooledBuffer<float>(10 * n);
        Span<float> Plane(int index) => buffer.Span.Slice(index * n, n);
        var product = meanOffset[..n];
        Span<float> muR = Plane(0), muG = Plane(1), muB = Plane(2), muP = Plane(3);
        Span<float> rr = Plane(4), rg = Plane(5), rb = Plane(6);
        Span<float> gg = Plane(7), gb = Plane(8), bb = Plane(9);
        Span<float> rp = meanRed, gp = meanGreen, bp = meanBlue;

        GuidedFilter.BoxMean(red, muR, width, height, radius);
        GuidedFilter.BoxMean(green, muG, width, height, radius);
        GuidedFilter.BoxMean(blue, muB, width, height, radius);
        GuidedFilter.BoxMean(input, muP, width, height, radius);
        GuidedFilter.MeanOfProduct(red, red, rr, width, height, radius, product);
        GuidedFilter.MeanOfProduct(red, green, rg, width, height, radius, product);
        GuidedFilter.MeanOfProduct(red, blue, rb, width, height, radius, product);
        GuidedFilter.MeanOfProduct(green, green, gg, width, height, radius, product);
        GuidedFilter.MeanOfProduct(green, blue, gb, width, height, radius, product);
        GuidedFilter.MeanOfProduct(blue, blue, bb, width, height, radius, product);
        GuidedFilter.MeanOfProduct(red, input, rp, width, height, radius, product);
        GuidedFilter.MeanOfProduct(green, input, gp, width, height, radius, product);
        GuidedFilter.MeanOfProduct(blue, input, bp, width, height, radius, product);

        // a = (Σ + εU)⁻¹ · cov(I, p) by the adjugate of the symmetric 3×3 matrix (in double: with a small ε the
        // matrix of a flat patch is nearly singular), b = mean(p) − a·mean(I). a's three planes overwrite the
        // guide's variances, b overwrites mean(p).
        for (var i = 0; i < n; i++)
        {
            double mr = muR[i], mg = muG[i], mb = muB[i], mp = muP[i];
            double cr = rp[i] - (mr * mp), cg = gp[i] - (mg * mp), cb = bp[i] - (mb * mp);
            double s11 = rr[i] - (mr * mr) + epsilon, s12 = rg[i] - (mr * mg), s13 = rb[i] - (mr * mb);
            double s22 = gg[i] - (mg * mg) + epsilon, s23 = gb[i] - (mg * mb), s33 = bb[i] - (mb * mb) + epsilon;
            double c11 = (s22 * s33) - (s23 * s23), c12 = (s13 * s23) - (s12 * s33), c13 = (s12 * s23) - (s13 * s22);
            double c22 = (s11 * s33) - (s13 * s13), c23 = (s13 * s12) - (s11 * s23), c33 = (s11 * s22) - (s12 * s12);
            var inverse = 1.0 / ((s11 * c11) + (s12 * c12) + (s13 * c13));
            var ar = ((c11 * cr) + (c12 * cg) + (c13 * cb)) * inverse;
            var ag = ((c12 * cr) + (c22 * cg) + (c23 * cb)) * inverse;
            var ab = ((c13 * cr) + (c23 * cg) + (c33 * cb)) * inverse;
            rr[i] = (float)ar;
            gg[i] = (float)ag;
            bb[i] = (float)ab;
            muP[i] = (float)(mp - (ar * mr) - (ag * mg) - (ab * mb));
        }

        GuidedFilter.BoxMean(rr, meanRed, width, height, radius);
        GuidedFilter.BoxMean(gg, meanGreen, width, height, radius);
        GuidedFilter.BoxMean(bb, meanBlue, width, height, radius);
        GuidedFilter.BoxMean(muP, meanOffset, width, height, radius);
    }
}
