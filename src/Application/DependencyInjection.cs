using FapiHub.Application.Common.Behaviors;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace FapiHub.Application;

public static class DependencyInjection
{
    /// <summary>Registers the mediator, its pipeline behaviors and the validators.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        AddMediatorPipeline(services);
        AddValidation(services);
        services.AddOptions<PerformanceOptions>();
        return services;
    }

    private static void AddMediatorPipeline(IServiceCollection services) =>
        services.AddMediator(options =>
        {
            // Singletons: handlers are stateless and everything they use is a singleton, so no allocation per call.
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.Assemblies = [typeof(DependencyInjection)];
            // Outermost first: log → validate (nothing charged for bad input) → … → time the handler.
            options.PipelineBehaviors =
            [
                typeof(LoggingBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(PerformanceBehavior<,>),
            ];
        });

    private static void AddValidation(IServiceCollection services) =>
        services.AddValidatorsFromAssembly(
            typeof(DependencyInjection).Assembly,
            ServiceLifetime.Singleton,
            includeInternalTypes: true);
}
