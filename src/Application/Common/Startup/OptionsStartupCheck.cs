using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FapiHub.Application.Common.Startup;

/// <summary>Binds and validates one options section; its failures are the validator's messages or the binder's (a wrong type).</summary>
internal sealed class OptionsStartupCheck<TOptions>(IServiceProvider services) : IStartupCheck
    where TOptions : class
{
    public ValueTask<IReadOnlyList<string>> FailuresAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(StartupChecks.Failures(() => _ = services.GetRequiredService<IOptions<TOptions>>().Value, services.GetService<IConfiguration>()));
}
