using System.Numerics;
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
        // means of the guide (3) and input (1) first. The four output spans hold three of them (and nothing) until a and b
        // are known.
        using var buffer = new PooledBuffer<float>(10 * n);
        Span<float> Plane(int index) => buffer.Span.Slice(index * n, n);
        Span<float> muR = Plane(0), muG = Plane(1), muB = Plane(2), muP = Plane(3);
        Span<float> rr = Plane(4), rg = Plane(5), rb = Plane(6);
        Span<float> gg = Plane(7), gb = Plane(8), bb = Plane(9);
        Span<float> rp = meanRed[..n], gp = meanGreen[..n], bp = meanBlue[..n];

        BoxFilter.Mean(red, muR, width, height, radius);
        BoxFilter.Mean(green, muG, width, height, radius);
        BoxFilter.Mean(blue, muB, width, height, radius);
        BoxFilter.Mean(input, muP, width, height, radius);
        BoxFilter.MeanOfProduct(red, red, rr, width, height, radius);
        BoxFilter.MeanOfProduct(red, green, rg, width, height, radius);
        BoxFilter.MeanOfProduct(red, blue, rb, width, height, radius);
        BoxFilter.MeanOfProduct(green, green, gg, width, height, radius);
        BoxFilter.MeanOfProduct(green, blue, gb, width, height, radius);
        BoxFilter.MeanOfProduct(blue, blue, bb, width, height, radius);
        BoxFilter.MeanOfProduct(red, input, rp, width, height, radius);
        BoxFilter.MeanOfProduct(green, input, gp, width, height, radius);
        BoxFilter.MeanOfProduct(blue, input, bp, width, height, radius);

        // a's three planes overwrite the guide's variances, b overwrites mean(p).
        var statistics = new Statistics(muR, muG, muB, muP, rr, rg, rb, gg, gb, bb, rp, gp, bp);
        var i = SolveVectorised(statistics, epsilon);
        for (; i < n; i++)
        {
            SolveOne(statistics, i, epsilon);
        }

        BoxFilter.Mean(rr, meanRed, width, height, radius);
        BoxFilter.Mean(gg, meanGreen, width, height, radius);
        BoxFilter.Mean(bb, meanBlue, width, height, radius);
        BoxFilter.Mean(muP, meanOffset, width, height, radius);
    }

    /// <summary>
    /// a = (Σ + εU)⁻¹ · cov(I, p) by the adjugate of the symmetric 3×3 matrix, b = mean(p) − a·mean(I), for as many
    /// whole vectors of pixels as there are; returns the first pixel left. In double: with a small ε the matrix of a
    /// textured grey patch is nearly singular (the three channels move together), and its determinant is a small
    /// difference of large products that float would round away.
    /// </summary>
    private static int SolveVectorised(Statistics s, float epsilon)
    {
        var lanes = Vector<float>.Count;
        var e = new Vector<double>(epsilon);
        var i = 0;
        for (; i <= s.MuR.Length - lanes; i += lanes)
        {
            Vector.Widen(new Vector<float>(s.MuR[i..]), out var mr0, out var mr1);
            Vector.Widen(new Vector<float>(s.MuG[i..]), out var mg0, out var mg1);
            Vector.Widen(new Vector<float>(s.MuB[i..]), out var mb0, out var mb1);
            Vector.Widen(new Vector<float>(s.MuP[i..]), out var mp0, out var mp1);
            Vector.Widen(new Vector<float>(s.RR[i..]), out var rr0, out var rr1);
            Vector.Widen(new Vector<float>(s.RG[i..]), out var rg0, out var rg1);
            Vector.Widen(new Vector<float>(s.RB[i..]), out var rb0, out var rb1);
            Vector.Widen(new Vector<float>(s.GG[i..]), out var gg0, out var gg1);
            Vector.Widen(new Vector<float>(s.GB[i..]), out var gb0, out var gb1);
            Vector.Widen(new Vector<float>(s.BB[i..]), out var bb0, out var bb1);
            Vector.Widen(new Vector<float>(s.RP[i..]), out var rp0, out var rp1);
            Vector.Widen(new Vector<float>(s.GP[i..]), out var gp0, out var gp1);
            Vector.Widen(new Vector<float>(s.BP[i..]), out var bp0, out var bp1);
            var (ar0, ag0, ab0, b0) = Solve(mr0, mg0, mb0, mp0, rr0, rg0, rb0, gg0, gb0, bb0, rp0, gp0, bp0, e);
            var (ar1, ag1, ab1, b1) = Solve(mr1, mg1, mb1, mp1, rr1, rg1, rb1, gg1, gb1, bb1, rp1, gp1, bp1, e);
            Vector.Narrow(ar0, ar1).CopyTo(s.RR[i..]);
            Vector.Narrow(ag0, ag1).CopyTo(s.GG[i..]);
            Vector.Narrow(ab0, ab1).CopyTo(s.BB[i..]);
            Vector.Narrow(b0, b1).CopyTo(s.MuP[i..]);
        }

        return i;
    }

    private static (Vector<double> Red, Vector<double> Green, Vector<double> Blue, Vector<double> Offset) Solve(
        Vector<double> mr, Vector<double> mg, Vector<double> mb, Vector<double> mp,
        Vector<double> rr, Vector<double> rg, Vector<double> rb, Vector<double> gg, Vector<double> gb, Vector<double> bb,
        Vector<double> rp, Vector<double> gp, Vector<double> bp, Vector<double> epsilon)
    {
        Vector<double> cr = rp - (mr * mp), cg = gp - (mg * mp), cb = bp - (mb * mp);
        Vector<double> s11 = rr - (mr * mr) + epsilon, s12 = rg - (mr * mg), s13 = rb - (mr * mb);
        Vector<double> s22 = gg - (mg * mg) + epsilon, s23 = gb - (mg * mb), s33 = bb - (mb * mb) + epsilon;
        Vector<double> c11 = (s22 * s33) - (s23 * s23), c12 = (s13 * s23) - (s12 * s33), c13 = (s12 * s23) - (s13 * s22);
        Vector<double> c22 = (s11 * s33) - (s13 * s13), c23 = (s13 * s12) - (s11 * s23), c33 = (s11 * s22) - (s12 * s12);
        var inverse = Vector<double>.One / ((s11 * c11) + (s12 * c12) + (s13 * c13));
        var ar = ((c11 * cr) + (c12 * cg) + (c13 * cb)) * inverse;
        var ag = ((c12 * cr) + (c22 * cg) + (c23 * cb)) * inverse;
        var ab = ((c13 * cr) + (c23 * cg) + (c33 * cb)) * inverse;
        return (ar, ag, ab, mp - (ar * mr) - (ag * mg) - (ab * mb));
    }

    /// <summary>The scalar form of <see cref="Solve"/> for the pixels after the last whole vector.</summary>
    private static void SolveOne(Statistics s, int i, float epsilon)
    {
        double mr = s.MuR[i], mg = s.MuG[i], mb = s.MuB[i], mp = s.MuP[i];
        double cr = s.RP[i] - (mr * mp), cg = s.GP[i] - (mg * mp), cb = s.BP[i] - (mb * mp);
        double s11 = s.RR[i] - (mr * mr) + epsilon, s12 = s.RG[i] - (mr * mg), s13 = s.RB[i] - (mr * mb);
        double s22 = s.GG[i] - (mg * mg) + epsilon, s23 = s.GB[i] - (mg * mb), s33 = s.BB[i] - (mb * mb) + epsilon;
        double c11 = (s22 * s33) - (s23 * s23), c12 = (s13 * s23) - (s12 * s33), c13 = (s12 * s23) - (s13 * s22);
        double c22 = (s11 * s33) - (s13 * s13), c23 = (s13 * s12) - (s11 * s23), c33 = (s11 * s22) - (s12 * s12);
        var inverse = 1.0 / ((s11 * c11) + (s12 * c12) + (s13 * c13));
        var ar = ((c11 * cr) + (c12 * cg) + (c13 * cb)) * inverse;
        var ag = ((c12 * cr) + (c22 * cg) + (c23 * cb)) * inverse;
        var ab = ((c13 * cr) + (c23 * cg) + (c33 * cb)) * inverse;
        s.RR[i] = (float)ar;
        s.GG[i] = (float)ag;
        s.BB[i] = (float)ab;
        s.MuP[i] = (float)(mp - (ar * mr) - (ag * mg) - (ab * mb));
    }

    /// <summary>The box means one pixel's solve reads: the guide's and input's means, the guide's second moments, and its products with the input.</summary>
    private readonly ref struct Statistics(
        Span<float> muR, Span<float> muG, Span<float> muB, Span<float> muP,
        Span<float> rr, Span<float> rg, Span<float> rb, Span<float> gg, Span<float> gb, Span<float> bb,
        Span<float> rp, Span<float> gp, Span<float> bp)
    {
        public Span<float> MuR { get; } = muR;

        public Span<float> MuG { get; } = muG;

        public Span<float> MuB { get; } = muB;

        public Span<float> MuP { get; } = muP;

        public Span<float> RR { get; } = rr;

        public Span<float> RG { get; } = rg;

        public Span<float> RB { get; } = rb;

        public Span<float> GG { get; } = gg;

        public Span<float> GB { get; } = gb;

        public Span<float> BB { get; } = bb;

        public Span<float> RP { get; } = rp;

        public Span<float> GP { get; } = gp;

        public Span<float> BP { get; } = bp;
    }
}
