using System.Numerics.Tensors;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;

namespace FapiHub.Infrastructure.BackgroundRemoval.Matting;

/// <summary>
/// The grey-guide guided filter of He, Sun and Tang (ECCV 2010 / TPAMI 2013). The output is locally a linear
/// function of the guide, <c>q = a·I + b</c>, so wherever the photo has an edge the matte may have one too, and
/// where the photo is flat the matte is smoothed. Box means: <see cref="BoxFilter"/>.
/// </summary>
internal static class GuidedFilter
{
    /// <summary>
    /// Computes the box-averaged linear coefficients (<paramref name="meanA"/>, <paramref name="meanB"/>) of the filter
    /// for guide <paramref name="guide"/> and input <paramref name="input"/>, all <paramref name="width"/> × <paramref name="height"/>.
    /// Evaluating <c>meanA·I + meanB</c> at this resolution is the classic filter; evaluating it on an upsampled grid with
    /// the full-resolution guide is the fast guided filter (He and Sun, 2015).
    /// </summary>
    public static void Coefficients(
        ReadOnlySpan<float> guide,
        ReadOnlySpan<float> input,
        int width,
        int height,
        int radius,
        float epsilon,
        Span<float> meanA,
        Span<float> meanB)
    {
        var n = width * height;
        using var buffer = new PooledBuffer<float>(3 * n);
        Span<float> meanI = buffer.Span[..n], meanP = buffer.Span.Slice(n, n), product = buffer.Span.Slice(2 * n, n);
        meanA = meanA[..n];
        meanB = meanB[..n];
        BoxFilter.Mean(guide, meanI, width, height, radius);
        BoxFilter.Mean(input, meanP, width, height, radius);

        // var(I) = mean(I·I) − mean(I)²; kept in meanA's buffer until a is known.
        BoxFilter.MeanOfProduct(guide, guide, meanA, width, height, radius);

        // cov(I, p) = mean(I·p) − mean(I)·mean(p); kept in meanB's buffer.
        BoxFilter.MeanOfProduct(guide, input, meanB, width, height, radius);

        // a = cov / (var + ε) into product (until then the temporary); b = mean(p) − a·mean(I) into meanP, with a·mean(I)
        // in meanI's buffer, not needed after.
        TensorPrimitives.Multiply(meanI, meanI, product);
        TensorPrimitives.Subtract(meanA, product, meanA);
        TensorPrimitives.Add(meanA, epsilon, meanA);
        TensorPrimitives.Multiply(meanI, meanP, product);
        TensorPrimitives.Subtract(meanB, product, meanB);
        TensorPrimitives.Divide(meanB, meanA, product);
        TensorPrimitives.Multiply(product, meanI, meanI);
        TensorPrimitives.Subtract(meanP, meanI, meanP);

        BoxFilter.Mean(product, meanA, width, height, radius);
        BoxFilter.Mean(meanP, meanB, width, height, radius);
    }

    /// <summary>Mean over the (2r+1)² window clipped to the image, normalised by the clipped window's area.</summary>
    public static void BoxMean(ReadOnlySpan<float> source, Span<float> destination, int width, int height, int radius) =>
        BoxFilter.Mean(source, destination, width, height, radius);
}
