using System.Net.Http.Json;
using System.Text.Json;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FapiHub.FunctionalTests.Accounts;

/// <summary>
/// The real application for account and reliability tests: real authentication, rate limiting, charging pipeline,
/// codec and store (Redis or embedded), with the model replaced by an instant fake so hundreds of requests take
/// seconds. The fake misbehaves on purpose for images of particular widths: 13 px throws (a failure inside the
/// handler), 17 px never finishes (until cancelled: the inference timeout), 19 px takes 1.5 s (in flight at shutdown).
/// </summary>
public sealed class AccountsHost(
    string? redis,
    string keyPrefix,
    IReadOnlyDictionary<string, string> settings,
    Action<ILoggingBuilder>? logging = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string AdminKey = "admin-key-for-tests-only";
    public const int FailingWidth = 13;
    public const int HangingWidth = 17;
    public const int SlowWidth = 19;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Admin:ApiKey", AdminKey);
        builder.UseSetting("Accounts:RedisKeyPrefix", keyPrefix);

        // These tests fire hundreds of concurrent requests at an instant fake model to test charging, not admission;
        // the default queue (4) would turn some into 503 server_busy on a 2-core runner and make counts racy.
        // Admission has its own tests, which override this.
        builder.UseSetting("Inference:MaxQueue", "100000");
        if (redis is not null)
        {
            builder.UseSetting("ConnectionStrings:Redis", redis);
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (logging is not null)
        {
            builder.ConfigureLogging(logging);
        }

        builder.ConfigureTestServices(collection =>
        {
            collection.AddSingleton<IBackgroundRemover, InstantRemover>();

            // No model is loaded in these tests: drop the loader so no ONNX session competes for the CPU.
            var loader = collection.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "ModelLoaderService");
            collection.Remove(loader);

            // Last, so a test can wrap or replace what is above (hooks that make a timing deterministic).
            services?.Invoke(collection);
        });
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("ApiKey", apiKey);
        }

        return client;
    }

    public HttpClient AdminClient(string adminKey = AdminKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("AdminKey", adminKey);
        return client;
    }

    /// <summary>Creates a key through the admin API and returns (id, key).</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string plan, long credits = 0)
    {
        using var admin = AdminClient();
        using var response = await admin.PostAsJsonAsync("/v2/admin/keys", new { name = "test", plan, credits }, Json);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("key").GetString()!);
    }

    private sealed class InstantRemover : IBackgroundRemover
    {
        public async ValueTask<Result<Prediction>> PredictAsync(RgbaImage image, string model, CancellationToken cancellationToken)
        {
            switch (image.Width)
            {
                case FailingWidth:
                    throw new InvalidOperationException("The fake model fails on purpose.");
                case HangingWidth:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case SlowWidth:
                    await Task.Delay(TimeSpan.FromSeconds(1.5), CancellationToken.None);
                    break;
                default:
                    break;
            }

            var mask = new AlphaMask(image.Width, image.Height);
            mask.Span.Fill(255);
            return Result<Prediction>.Success(new Prediction(mask, TimeSpan.FromMilliseconds(1)));
        }
    }
}
