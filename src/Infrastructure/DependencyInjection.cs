using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Application.Common.Startup;
using FapiHub.Infrastructure.Accounts;
using FapiHub.Infrastructure.Accounts.InMemory;
using FapiHub.Infrastructure.Accounts.Redis;
using FapiHub.Infrastructure.BackgroundRemoval.Memory;
using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using FapiHub.Infrastructure.BackgroundRemoval.Scheduling;
using FapiHub.Infrastructure.Imaging;
using FapiHub.Infrastructure.Imaging.UrlFetching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FapiHub.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Name of the readiness health check that reports the models.</summary>
    public const string ModelsHealthCheckName = "models";

    /// <summary>Registers the adapters behind the Application ports.</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        AddImaging(services, configuration);
        AddBackgroundRemoval(services, configuration);
        AddAccounts(services, configuration);
        return services;
    }

    private static void AddImaging(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<ImagingOptions, ImagingOptionsValidator>(configuration.GetSection(ImagingOptions.SectionName));
        services.AddSingleton<IImageProcessor, SkiaImageProcessor>();
        AddImageUrlFetching(services, configuration);
    }

    /// <summary>
    /// The image URL fetcher (ADR 18) and its own HttpClient. The handler is built here, never shared: no proxy, no
    /// automatic redirects, and a connect callback that only reaches addresses the fetcher checked. The factory's
    /// request loggers are removed because they log whole URLs, and signed URLs carry credentials in their query; the
    /// fetcher logs hosts only.
    /// </summary>
    private static void AddImageUrlFetching(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<ImageUrlOptions, ImageUrlOptionsValidator>(configuration.GetSection(ImageUrlOptions.SectionName));
        services.AddSingleton<IHostResolver, DnsHostResolver>();
        services.AddHttpClient(ImageUrlFetcher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the fetcher's own deadline applies
            .ConfigurePrimaryHttpMessageHandler(sp =>
                PinnedConnection.CreateHandler(TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ImageUrlOptions>>().Value.TimeoutSeconds)))
            .RemoveAllLoggers();
        services.AddSingleton<IImageUrlFetcher, ImageUrlFetcher>();
    }

    private static void AddBackgroundRemoval(IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<InferenceOptions, InferenceOptionsValidator>(configuration.GetSection(InferenceOptions.SectionName));
        var models = configuration.GetSection(ModelCatalogOptions.SectionName);
        services.AddCheckedOptions<ModelCatalogOptions, ModelCatalogOptionsValidator>(models).Configure(options =>
        {
            foreach (var (name, model) in StartupChecks.BindEach<ModelDefinition>(models.GetSection(nameof(ModelCatalogOptions.Catalog))))
            {
                options.Catalog[name] = model;
            }
        });

        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddSingleton<OnnxSessionFactory>();
        services.AddSingleton<ModelFileVerifier>();
        services.AddSingleton<ModelGraphDeriver>();
        services.AddSingleton<ModelSessions>();
        // The scheduler reports every turn's end to the memory hand-back from the start, also where no host starts the
        // hosted services (benchmarks/Quality and the fuzz tests build the provider alone).
        services.AddSingleton(sp =>
        {
            var scheduler = ActivatorUtilities.CreateInstance<InferenceScheduler>(sp);
            scheduler.TurnEnded += MemoryHandBack.AfterTurn;
            return scheduler;
        });
        services.AddSingleton<IInferenceScheduler>(sp => sp.GetRequiredService<InferenceScheduler>());
        services.AddSingleton<IInferenceSlots>(sp => sp.GetRequiredService<InferenceScheduler>());
        services.AddSingleton<IBackgroundRemover, OnnxBackgroundRemover>();
        services.AddHostedService<ModelLoaderService>();
        services.AddHostedService<MemoryHandBack>();
        services.AddHealthChecks().AddCheck<ModelsHealthCheck>(ModelsHealthCheckName, tags: ["ready"]);
    }

    /// <summary>
    /// Accounts, quotas and rate limits: in Redis when <c>ConnectionStrings:Redis</c> is set (every instance shares
    /// them), otherwise in this process.
    /// </summary>
    private static void AddAccounts(IServiceCollection services, IConfiguration configuration)
    {
        var keys = configuration.GetSection(ApiKeyOptions.SectionName).GetSection(nameof(ApiKeyOptions.Bootstrap));
        services.AddCheckedOptions<ApiKeyOptions, ApiKeyOptionsValidator>(configuration.GetSection(ApiKeyOptions.SectionName))
            .Configure(options => options.Bootstrap = [.. StartupChecks.BindEach<BootstrapApiKey>(keys).Select(entry => entry.Value)]);
        services.AddCheckedOptions<AccountStoreOptions, AccountStoreOptionsValidator>(configuration.GetSection(AccountStoreOptions.SectionName));
        services.AddSingleton<IStartupCheck, OrphanedPlansCheck>();

        // The seeder first: hosted services start in this order, so the configured keys are written before Redis's
        // recovery loop starts looking for lost ones (otherwise its first look could find them "lost" at start-up).
        services.AddSingleton<BootstrapAccounts>();
        services.AddHostedService<AccountSeeder>();

        var redis = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton(AccountStoreMode.InMemory);
            services.AddSingleton<InMemoryAccountStore>();
            services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<InMemoryAccountStore>());
            services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<InMemoryAccountStore>());
            services.AddSingleton<IRateLimiter, InMemoryRateLimiter>();
        }
        else
        {
            services.AddSingleton(AccountStoreMode.Redis);
            services.AddSingleton<IStartupCheck>(new RedisConnectionStringCheck(redis));
            services.AddSingleton(sp => new RedisConnection(
                redis,
                sp.GetRequiredService<IOptions<AccountStoreOptions>>(),
                sp.GetRequiredService<ILogger<RedisConnection>>()));
            services.AddSingleton<SettlementOutbox>();
            services.AddSingleton<RedisAccountStore>();
            services.AddHostedService<RedisRecoveryService>();
            services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<RedisAccountStore>());
            services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<RedisAccountStore>());
            services.AddSingleton<IRateLimiter, RedisRateLimiter>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }

    }
}
