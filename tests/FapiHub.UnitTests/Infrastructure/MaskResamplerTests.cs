using FapiHub.Infrastructure.BackgroundRemoval.Matting;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class MaskResamplerTests
{
    [Fact]
    public void Resize_WhenSizeIsUnchanged_ShouldCopyExactly()
    {
        float[] source = [0f, 0.25f, 0.5f, 1f, 0.75f, 0.1f];
        var destination = new float[6];

        MaskResampler.Resize(source, 3, 2, destination, 3, 2);

        Assert.Equal(source, destination);
    }

    [Fact]
    public void Resize_WhenUpsamplingTwoPixelsToFour_ShouldInterpolateAtPixelCentres()
    {
        // Centres of the 4 outputs map to source x = -0.25, 0.25, 0.75, 1.25 → clamped to 0 and 1 at the ends.
        float[] source = [0f, 1f];
        var destination = new float[4];

        MaskResampler.Resize(source, 2, 1, destination, 4, 1);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], destination);
    }

    [Fact]
    public void Resize_WhenUpsamplingTwoByTwoToFourByFour_ShouldInterpolateBetweenPixelCentresAndClampAtTheEdges()
    {
        float[] source = [0f, 1f, 1f, 0f];
        var target = new float[16];

        MaskResampler.Resize(source, 2, 2, target, 4, 4);

        // Output centres sit at source coordinates -0.25, 0.25, 0.75, 1.25: clamped to 0 and 1 at the edges.
        Assert.Equal([0f, 0.25f, 0.75f, 1f], target[..4]);
        Assert.Equal([1f, 0.75f, 0.25f, 0f], target[12..]);
        Assert.Equal(0.375f, target[5], 5); // at (0.25, 0.25): 0.25 along the top row, 0.75 along the bottom, a quarter down
    }

    [Fact]
    public void ResizeToBytes_WhenValuesLeaveZeroToOne_ShouldClampAndRound()
    {
        float[] source = [-0.5f, 0.5f, 1.5f];
        var destination = new byte[3];

        MaskResampler.ResizeToBytes(source, 3, 1, destination, 3, 1);

        Assert.Equal(new byte[] { 0, 128, 255 }, destination);
    }

    [Fact]
    public void Resize_WhenSourceIsConstant_ShouldStayConstantAtAnySize()
    {
        var source = Enumerable.Repeat(0.3f, 7 * 5).ToArray();
        var destination = new float[23 * 11];

        MaskResampler.Resize(source, 7, 5, destination, 23, 11);

        Assert.All(destination, v => Assert.Equal(0.3f, v, 5));
    }
}
