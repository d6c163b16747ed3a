namespace FapiHub.Domain.Imaging;

/// <summary>Bounding boxes of the pixels whose value in one channel is above a threshold.</summary>
internal static class PixelBounds
{
    public static PixelBox? Of(ReadOnlySpan<byte> pixels, int width, int height, int stride, int channel, byte threshold)
    {
        int left = width, right = -1, top = -1, bottom = -1;
        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * width * stride, width * stride);
            var first = -1;
            var last = -1;
            for (var x = 0; x < width; x++)
            {
                if (row[(x * stride) + channel] > threshold)
                {
                    first = first < 0 ? x : first;
                    last = x;
                }
            }

            if (first >= 0)
            {
                top = top < 0 ? y : top;
                bottom = y;
                left = Math.Min(left, first);
                right = Math.Max(right, last);
            }
        }

        return top < 0 ? null : new PixelBox(left, top, right - left + 1, bottom - top + 1);
    }
}
