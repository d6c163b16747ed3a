using FapiHub.Infrastructure.Imaging;
using SkiaSharp;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class OrientationTests
{
    // Stored 3 × 2 image:   1 2 3
    //                       4 5 6
    private static readonly uint[] Stored = [1, 2, 3, 4, 5, 6];

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft, new uint[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData(SKEncodedOrigin.TopRight, new uint[] { 3, 2, 1, 6, 5, 4 })]     // 2: mirrored horizontally
    [InlineData(SKEncodedOrigin.BottomRight, new uint[] { 6, 5, 4, 3, 2, 1 })]  // 3: rotated 180°
    [InlineData(SKEncodedOrigin.BottomLeft, new uint[] { 4, 5, 6, 1, 2, 3 })]   // 4: mirrored vertically
    [InlineData(SKEncodedOrigin.LeftTop, new uint[] { 1, 4, 2, 5, 3, 6 })]      // 5: transposed
    [InlineData(SKEncodedOrigin.RightTop, new uint[] { 4, 1, 5, 2, 6, 3 })]     // 6: rotated 90° clockwise to view
    [InlineData(SKEncodedOrigin.RightBottom, new uint[] { 6, 3, 5, 2, 4, 1 })]  // 7: transverse
    [InlineData(SKEncodedOrigin.LeftBottom, new uint[] { 3, 6, 2, 5, 1, 4 })]   // 8: rotated 90° counter-clockwise to view
    public void Apply_WhenOrientationIsSet_ShouldProduceTheUprightPixels(SKEncodedOrigin origin, uint[] expected)
    {
        var upright = new uint[6];

        Orientation.Apply(Stored, 3, 2, origin, upright);

        Assert.Equal(expected, upright);
    }

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft, false)]
    [InlineData(SKEncodedOrigin.BottomRight, false)]
    [InlineData(SKEncodedOrigin.RightTop, true)]
    [InlineData(SKEncodedOrigin.LeftBottom, true)]
    public void SwapsAxes_WhenOrientationTransposes_ShouldBeTrue(SKEncodedOrigin origin, bool swaps) =>
        Assert.Equal(swaps, Orientation.SwapsAxes(origin));
}
