using FapiHub.Application.Common.Startup;
using Microsoft.Extensions.Options;

namespace FapiHub.Api.Http;

/// <summary>Stops start-up on a CORS origin a browser would never send (a path, a typo'd scheme), naming its index.</summary>
internal sealed class CorsSettingsValidator : IValidateOptions<CorsSettings>
{
    public ValidateOptionsResult Validate(string? name, CorsSettings options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Length; i++)
        {
            var origin = options.AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.PathAndQuery != "/" || origin.EndsWith('/') || !string.IsNullOrEmpty(uri.UserInfo))
            {
                failures.Add($"{CorsSettings.SectionName}:AllowedOrigins:{i} must be an origin such as https://app.example.com (scheme, host and optional port, no path) (was '{origin}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary><c>Swagger:Enabled</c> is read once while the pipeline is built; a value that is not a boolean is refused here first.</summary>
internal sealed class SwaggerSettingCheck(IConfiguration configuration) : IStartupCheck
{
    public ValueTask<IReadOnlyList<string>> FailuresAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>(
            configuration[SwaggerSettings.EnabledKey] is { } value && !bool.TryParse(value, out _)
                ? [$"{SwaggerSettings.EnabledKey} must be true or false (was '{value}')."]
                : []);
}
