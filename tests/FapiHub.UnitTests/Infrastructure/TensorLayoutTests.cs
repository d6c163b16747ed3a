using FapiHub.Infrastructure.BackgroundRemoval;

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
}
