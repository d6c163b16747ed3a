using FapiHub.Application.Accounts.Plans;
using FapiHub.Application.Common;
using FapiHub.Application.Common.Behaviors;
using FapiHub.Application.Common.Startup;
using FapiHub.Application.Common.Telemetry;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FapiHub.Application;

public static class DependencyInjection
{
    /// <summary>Registers the mediator, its pipeline behaviors, the validators and the sections this layer owns.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services, IConfiguration configuration)
    {
        AddMediatorPipeline(services);
        AddValidation(services);
        services.AddCheckedOptions<PerformanceOptions, PerformanceOptionsValidator>(configuration.GetSection(PerformanceOptions.SectionName));
        services.AddCheckedOptions<LimitsOptions, LimitsOptionsValidator>(configuration.GetSection(LimitsOptions.SectionName));
        services.AddSingleton<IValidateOptions<PlansOptions>, PlansOptionsValidator>();
        services.AddSingleton<IStartupCheck, OptionsStartupCheck<PlansOptions>>();
        services.AddOptions<PlansOptions>().Configure(options =>
        {
            foreach (var (name, plan) in StartupChecks.BindEach<PlanSettings>(configuration.GetSection(PlansOptions.SectionName)))
            {
                options.Items[name] = plan;
            }
        }).ValidateOnStart();
        services.AddCheckedOptions<RateLimitingOptions, RateLimitingOptionsValidator>(configuration.GetSection(RateLimitingOptions.SectionName));
        services.AddSingleton<PlanCatalog>();
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
