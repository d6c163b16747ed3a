using FapiHub.Application.Abstractions.Authentication;
using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Infrastructure.Authentication;
using FapiHub.Infrastructure.BackgroundRemoval;
using FapiHub.Infrastructure.Imaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        AddAuthentication(services, configuration);
        return services;
    }

    private static void AddImaging(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImagingOptions>().Bind(configuration.GetSection(ImagingOptions.SectionName));
        services.AddSingleton<IImageProcessor, SkiaImageProcessor>();
    }

    private static void AddBackgroundRemoval(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.SectionName));
        services.AddOptions<ModelCatalogOptions>()
            .Bind(configuration.GetSection(ModelCatalogOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelCatalogOptions>, ModelCatalogOptionsValidator>();

        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelCatalog>());
        services.AddSingleton<OnnxSessionFactory>();
        services.AddSingleton<ModelSessions>();
        services.AddSingleton<IBackgroundRemover, OnnxBackgroundRemover>();
        services.AddHostedService<ModelLoaderService>();
        services.AddHealthChecks().AddCheck<ModelsHealthCheck>(ModelsHealthCheckName, tags: ["ready"]);
    }

    private static void AddAuthentication(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.SectionName));
        services.AddSingleton<IApiKeyStore, ConfigurationApiKeyStore>();
    }
}
