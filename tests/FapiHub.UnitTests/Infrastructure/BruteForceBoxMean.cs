namespace FapiHub.UnitTests.Infrastructure;

/// <summary>
/// The reference the box filters are checked against: the mean of <c>value(i)</c> over the (2r + 1)² window around
/// (x, y), clipped to the image, summed in double one pixel at a time.
/// </summary>
internal static class BruteForceBoxMean
{
    public static double At(Func<int, double> value, int width, int height, int radius, int x, int y)
    {
        double sum = 0;
        var count = 0;
        for (var yy = Math.Max(0, y - radius); yy <= Math.Min(height - 1, y + radius); yy++)
        {
            for (var xx = Math.Max(0, x - radius); xx <= Math.Min(width - 1, x + radius); xx++)
            {
                sum += value((yy * width) + xx);
                count++;
            }
        }

        return sum / count;
    }
}
