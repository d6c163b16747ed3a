using FapiHub.Infrastructure.Imaging.UrlFetching;
using FapiHub.Tests.Shared;
using SkiaSharp;

namespace FapiHub.UnitTests.Infrastructure.UrlFetching;

/// <summary>The fetched body's own bytes decide its type; only JPEG, PNG and WebP pass.</summary>
public sealed class ImageSnifferTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public void ContentTypeOf_WhenTheBytesAreAnAcceptedImage_ShouldNameItsType(SKEncodedImageFormat format, string expected)
    {
        var image = TestImages.Encode(8, 8, (x, y) => new SKColor((byte)(x * 30), (byte)(y * 30), 90), format);

        Assert.Equal(expected, ImageSniffer.ContentTypeOf(image));
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>Not found</body></html>")]
    [InlineData("GIF89a\u0001\u0000\u0001\u0000")]
    [InlineData("RIFF\u0004\u0000\u0000\u0000WAVEfmt ")]
    [InlineData("RIFF")]
    [InlineData("")]
    public void ContentTypeOf_WhenTheBytesAreNotAnAcceptedImage_ShouldBeNone(string body) =>
        Assert.Null(ImageSniffer.ContentTypeOf(System.Text.Encoding.Latin1.GetBytes(body)));
}
