using FapiHub.Domain.Imaging;

namespace FapiHub.UnitTests.Domain;

public sealed class RgbaImageTests
{
    [Fact]
    public void ApplyAlpha_WhenInputIsPartlyTransparent_ShouldMultiplyAlphaAndKeepColour()
    {
        using var image = new RgbaImage(3, 1);
        new byte[] { 1, 2, 3, 255, 4, 5, 6, 128, 7, 8, 9, 0 }.CopyTo(image.Span);
        using var mask = new AlphaMask(3, 1);
        new byte[] { 100, 255, 255 }.CopyTo(mask.Span);

        image.ApplyAlpha(mask);

        Assert.Equal(new byte[] { 1, 2, 3, 100, 4, 5, 6, 128, 7, 8, 9, 0 }, image.Span.ToArray());
    }

    [Fact]
    public void ApplyAlpha_WhenSizesDiffer_ShouldThrow()
    {
        using var image = new RgbaImage(2, 2);
        using var mask = new AlphaMask(2, 1);

        Assert.Throws<ArgumentException>(() => image.ApplyAlpha(mask));
    }

    [Fact]
    public void Bounds_WhenSomePixelsAreAboveTheThreshold_ShouldBoxExactlyThose()
    {
        using var mask = new AlphaMask(5, 4);
        mask.Span[0] = 8; // at the threshold: not part of the subject
        mask.Span[(1 * 5) + 1] = 9;
        mask.Span[(2 * 5) + 3] = 255;

        Assert.Equal(new PixelBox(1, 1, 3, 2), mask.Bounds(8));
        Assert.Null(mask.Bounds(255));
    }

    [Fact]
    public void Dispose_WhenCalledTwice_ShouldBeHarmlessAndForbidFurtherUse()
    {
        var image = new RgbaImage(4, 4);
        image.Dispose();
        image.Dispose();

        Assert.Throws<ObjectDisposedException>(() => image.Buffer);
    }

    [Fact]
    public void Constructor_WhenThePoolHandsBackADirtyArray_ShouldStartCleared()
    {
        for (var i = 0; i < 4; i++)
        {
            using var dirty = new AlphaMask(300, 300);
            dirty.Span.Fill(0xAB);
        }

        using var fresh = new AlphaMask(300, 300);

        Assert.True(fresh.Span.IndexOfAnyExcept((byte)0) < 0);
    }

    [Theory]
    [InlineData(1304, 1_000_000)] // the 4 × 1,000,000 shadow canvas: 5.2 GB of RGBA
    [InlineData(int.MaxValue, int.MaxValue)]
    public void Constructor_WhenTheBufferWouldNotFitAnArray_ShouldThrowArgumentOutOfRangeNotOverflow(int width, int height)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RgbaImage(width, height));

        Assert.Contains($"{width}x{height}", error.Message, StringComparison.Ordinal);
    }
}
