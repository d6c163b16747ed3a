using System.Globalization;
using System.Net.Http.Headers;

namespace FapiHub.ContainerTests;

/// <summary>The API in a container, seen from the host over loopback.</summary>
public static class Api
{
    public const string Key = "fh_live_ContainerTests000000000000000000000";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static HttpClient Client(int port) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"),
        Timeout = TimeSpan.FromMinutes(3),
        DefaultRequestHeaders = { { "ApiKey", Key } },
    };

    /// <summary>
    /// Polls /health/ready until it answers 200, or fails with the container's log when the container has ended or
    /// <paramref name="limit"/> passed: model load and warm-up take seconds, more on a loaded box.
    /// </summary>
    public static async Task WaitReadyAsync(HttpClient client, Func<Task<string>> logs, Func<Task<bool>> running, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (await timer.WaitForNextTickAsync(CancellationToken.None))
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("health/ready", UriKind.Relative), deadline.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
            }

            if (deadline.IsCancellationRequested || !await running())
            {
                throw new InvalidOperationException($"the API did not become ready within {limit}:\n{await logs()}");
            }
        }
    }

    public static MultipartFormDataContent Photo(string fixture, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(File.ReadAllBytes(FixturePath(fixture)));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(image, "image", fixture);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    /// <summary>Whether <paramref name="png"/> is a PNG with an alpha channel (IHDR colour type 6: RGBA).</summary>
    public static bool IsRgbaPng(byte[] png) =>
        png.Length > 26 && png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }) && png[25] == 6;
}
