using System.Diagnostics;
using FapiHub.Application;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Domain.Accounts;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Imaging;
using FapiHub.Infrastructure;
using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Quality;

/// <summary>A predicted matte as the API would return it, and how long the command took.</summary>
internal sealed record Prediction(byte[] Png, double Milliseconds);

/// <summary>
/// The production pipeline without the HTTP layer: the same <c>AddApplication()</c> + <c>AddInfrastructure()</c>
/// registrations and the same <see cref="RemoveBackgroundCommand"/> through the mediator (logging, validation and
/// charging and performance behaviors included), configured from the Api's own appsettings.json. What is measured
/// here is what POST /v2/rembg/mask serves.
/// </summary>
internal sealed class Pipeline : IAsyncDisposable
{
    /// <summary>
    /// Settings the tool changes on top of appsettings.json. No warm-up pass: without a host the loader service never
    /// runs, models load lazily on the first command, and the tool does its own untimed first call per model.
    /// </summary>
    private static readonly Dictionary<string, string?> ToolDefaults = new(StringComparer.OrdinalIgnoreCase)
    {
        [$"{InferenceOptions.SectionName}:{nameof(InferenceOptions.WarmUp)}"] = "false",
    };

    private readonly ServiceProvider _services;
    private readonly ISender _sender;

    private Pipeline(ServiceProvider services)
    {
        _services = services;
        _sender = services.GetRequiredService<ISender>();
        Catalog = services.GetRequiredService<IModelCatalog>();
    }

    public IModelCatalog Catalog { get; }

    /// <summary>
    /// Builds the container. Throws <see cref="OptionsValidationException"/> with the catalogue validator's messages
    /// (e.g. a missing weights file) up front, as the server does at start-up, instead of on the first image.
    /// </summary>
    public static Pipeline Create(IReadOnlyDictionary<string, string?> overrides)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddInMemoryCollection(ToolDefaults)
            .AddInMemoryCollection(overrides)
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);

        // Warnings only (a slow command, a failed load), on stderr so stdout stays a clean Markdown report.
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddMetrics();
        services.AddApplication(configuration).AddInfrastructure(configuration);

        // The infrastructure's hosted services take the host's lifetime; no host runs them here, but the container
        // validates them on build.
        services.AddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();

        // The pipeline charges every image to the caller; the tool is a caller with a quota larger than any run.
        services.AddSingleton<ICallerContext>(new ToolCaller());
        services.AddOptions<PlansOptions>().Configure(plans => plans.Items[ToolCaller.ToolPlan] = new PlanSettings { MonthlyQuota = long.MaxValue / 2, PerMinute = 1_000_000 });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            _ = provider.GetRequiredService<IOptions<ModelCatalogOptions>>().Value;
            provider.GetRequiredService<IAccountStore>()
                .CreateAsync(new NewAccount(ToolCaller.KeyDigest, "quality tool", ToolCaller.ToolPlan, 0), CancellationToken.None)
                .AsTask().GetAwaiter().GetResult();
            return new Pipeline(provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Sends one mask command; the time is wall clock around <c>Send</c> (decode, inference, upsampling, PNG encode).</summary>
    public async Task<Result<Prediction>> PredictAsync(byte[] image, string model, CancellationToken cancellationToken)
    {
        var command = new RemoveBackgroundCommand(image, model, new MaskEffect(), OutputOptions.Default);
        var started = Stopwatch.GetTimestamp();
        var result = await _sender.Send(command, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!result.IsSuccess)
        {
            return result.Error!;
        }

        using var content = result.Value.Content;
        return new Prediction(content.Memory.ToArray(), elapsed);
    }

    /// <summary>
    /// The cut-out laid over a solid <paramref name="color"/>, as <c>POST /v2/rembg/color/</c> would return it for this
    /// model (PNG): for looking at edges and colour fringes, not for scoring.
    /// </summary>
    public async Task<Result<byte[]>> ComposeOverAsync(byte[] image, string model, string color, CancellationToken cancellationToken)
    {
        if (!Rgba.TryParse(color, out var background))
        {
            throw new ArgumentException($"'{color}' is not a colour: {Rgba.Forms}.", nameof(color));
        }

        var command = new RemoveBackgroundCommand(image, model, new ColorEffect(background), OutputOptions.Default);
        var result = await _sender.Send(command, cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!;
        }

        using var content = result.Value.Content;
        return content.Memory.ToArray();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>The tool's own account in the embedded store (the appsettings.json it reads sets no Redis).</summary>
    private sealed class ToolCaller : ICallerContext
    {
        public const string ToolPlan = "quality-tool";
        public static readonly string KeyDigest = ApiKeys.Digest(ApiKeys.Generate());

        public string? AccountId { get; } = ApiKeys.IdFromDigest(KeyDigest);

        public string? Plan => ToolPlan;
    }
}
