namespace FapiHub.Domain.Imaging;

/// <summary>An 8-bit alpha matte, one byte per pixel: 255 = subject, 0 = background.</summary>
public sealed class AlphaMask(int width, int height) : PixelBuffer(width, height, 1);
