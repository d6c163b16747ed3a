using FapiHub.Infrastructure.BackgroundRemoval.Onnx;

namespace FapiHub.UnitTests.Infrastructure;

public sealed class TensorLayoutTests
{
    [Fact]
    public void FillNchw_WhenIsNetNormalisation_ShouldWritePlanarChannelsAsVMinus128Over256()
    {
        byte[] rgba = [0, 128, 255, 9, 64, 32, 16, 9];
        var tensor = new float[6];

        TensorLayout.FillNchw(rgba, 2, [128f, 128f, 128f], [256f, 256f, 256f], tensor);

        Assert.Equal([-0.5f, -0.25f, 0f, -0.375f, 0.49609375f, -0.4375f], tensor);
    }

    [Fact]
    public void Activate_WhenMinMax_ShouldStretchToZeroOne()
    {
        float[] values = [2f, 4f, 3f];

        TensorLayout.Activate(values, OutputActivation.MinMax);

        Assert.Equal([0f, 1f, 0.5f], values);
    }

    [Fact]
    public void Activate_WhenSigmoidOrNone_ShouldMapLogitsAndClamp()
    {
        float[] logits = [0f];
        float[] probabilities = [-0.2f, 1.3f, 0.4f];

        TensorLayout.Activate(logits, OutputActivation.Sigmoid);
        TensorLayout.Activate(probabilities, OutputActivation.None);

        Assert.Equal(0.5f, logits[0], 6);
        Assert.Equal([0f, 1f, 0.4f], probabilities);
    }

    [Fact]
    public void MirrorRows_WhenPlanesHaveSeveralRows_ShouldReverseEachRowAndKeepRowOrder()
    {
        // Two planes of 2×3: the photo's mirror image flips left and right, never top and bottom or channels.
        float[] planes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

        TensorLayout.MirrorRows(planes, 3);

        Assert.Equal([3f, 2f, 1f, 6f, 5f, 4f, 9f, 8f, 7f, 12f, 11f, 10f], planes);
    }

    [Fact]
    public void AverageWithMirrored_WhenTheViewsDisagreeOnAnEdge_ShouldGiveTheMeanInThePhotosOrientation()
    {
        // Two rows of 4 with an edge the views place differently: the direct view says 0.2 at x=1, the mirrored view
        // (stored mirrored, as the model returns it) says 0.6 there; a true edge at 0.4 is what both average to.
        float[] matte = [0f, 0.2f, 1f, 1f, 1f, 1f, 0f, 0f];
        float[] mirrored = [1f, 1f, 0.6f, 0f, 0f, 0f, 1f, 1f];

        TensorLayout.AverageWithMirrored(matte, mirrored, 4);

        float[] expected = [0f, 0.4f, 1f, 1f, 1f, 1f, 0f, 0f];
        Assert.All(expected.Zip(matte), pair => Assert.Equal(pair.First, pair.Second, 5));
    }

    [Fact]
    public void BlendIn_WhenAddingAThirdViewToTheMeanOfTwo_ShouldGiveTheMeanOfAllThree()
    {
        float[] meanOfTwo = [0f, 0.5f, 1f];
        float[] third = [0.3f, 0.2f, 0.7f];

        TensorLayout.BlendIn(meanOfTwo, third, 1f / 3);

        float[] expected = [0.1f, 0.4f, 0.9f];
        Assert.All(expected.Zip(meanOfTwo), pair => Assert.Equal(pair.First, pair.Second, 5));
    }
}
