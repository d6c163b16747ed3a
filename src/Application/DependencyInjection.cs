using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.BackgroundRemoval;
using FapiHub.Application.BackgroundRemoval.RemoveBackground;
using FapiHub.Application.Common.Behaviors;
using FapiHub.Application.Common.Telemetry;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FapiHub.Application;

public static class DependencyInjection
{
    /// <summary>Registers the mediator, its pipeline behaviors and the validators.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        AddMediatorPipeline(services);
        AddValidation(services);
        services.AddOptions<PerformanceOptions>();
        services.AddOptions<BackgroundRemovalOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackgroundRemovalOptions>, BackgroundRemovalOptionsValidator>();
        services.AddOptions<PlansOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlansOptions>, PlansOptionsValidator>();
        services.AddOptions<RateLimitingOptions>();
        services.AddSingleton<PlanCatalog>();
        services.AddSingleton<RemoveBackgroundRequestParser>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FapiHubMetrics>(); // needs the host's IMeterFactory (AddMetrics)
        return services;
    }

    private static void AddMediatorPipeline(IServiceCollection services) =>
        services.AddMediator(options =>
        {
            // Singletons: handlers are stateless and everything they use is a singleton, so no allocation per call.
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(DependencyInjection)];
            // Outermost first: log → validate (nothing charged for bad input) → charge (reserve, commit on success,
            // release on failure) → time the handler alone.
            options.PipelineBehaviors =
            [
                typeof(LoggingBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(CreditCheckBehavior<,>),
                typeof(PerformanceBehavior<,>),
            ];
        });

    private static void AddValidation(IServiceCollection services) =>
        services.AddValidatorsFromAssembly(
            typeof(DependencyInjection).Assembly,
            ServiceLifetime.Singleton,
            includeInternalTypes: true);
}
