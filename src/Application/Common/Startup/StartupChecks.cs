using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FapiHub.Application.Common.Startup;

/// <summary>Registers the start-up checks and runs them; the entry point reports what they find.</summary>
public static partial class StartupChecks
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/>, validates it with
    /// <typeparamref name="TValidator"/> when the host starts, and adds it to the start-up checks, so a bad value (a
    /// wrong type included) stops the process with its key named before anything reads it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddCheckedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        services.AddSingleton<IStartupCheck, OptionsStartupCheck<TOptions>>();
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }

    /// <summary>
    /// The entries of a list or dictionary section, each bound on its own. The binder skips a collection entry that
    /// fails to convert without a word (a bootstrap key with <c>Credits=abc</c> was silently not seeded, a plan with
    /// <c>PerMinute=lots</c> silently not defined); bound one by one, the failure is the binder's exception naming the
    /// key, which the start-up checks report.
    /// </summary>
    public static IEnumerable<(string Key, T Value)> BindEach<T>(IConfigurationSection section)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var child in section.GetChildren())
        {
            var value = new T();
            child.Bind(value);
            yield return (child.Key, value);
        }
    }

    /// <summary>Runs every registered check, stage by stage; the failures of the first stage that has any, or none.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var configuration = services.GetService<IConfiguration>();
        foreach (var stage in services.GetServices<IStartupCheck>().GroupBy(check => check.Stage).OrderBy(group => group.Key))
        {
            var failures = new List<string>();
            foreach (var check in stage)
            {
                try
                {
                    failures.AddRange(await check.FailuresAsync(cancellationToken));
                }
                catch (Exception ex) when (Describe(ex, configuration) is { Count: > 0 } described)
                {
                    failures.AddRange(described);
                }
            }

            if (failures.Count > 0)
            {
                return [.. failures.Distinct(StringComparer.Ordinal)];
            }
        }

        return [];
    }

    /// <summary>
    /// What <paramref name="resolve"/> reports: nothing, or the configuration failures of the options it
    /// materialises (validation or binding); anything else is not a configuration failure and is thrown on.
    /// </summary>
    public static IReadOnlyList<string> Failures(Action resolve, IConfiguration? configuration = null)
    {
        try
        {
            resolve();
            return [];
        }
        catch (Exception ex) when (Describe(ex, configuration) is { Count: > 0 } failures)
        {
            return failures;
        }
    }

    /// <summary>
    /// The configuration failures an exception carries: a validation failure's messages, or a binder's conversion
    /// failure as "&lt;key&gt; must be &lt;type&gt; (was 'value')"; empty for anything else (a bug, reported as such).
    /// </summary>
    public static IReadOnlyList<string> Describe(Exception exception, IConfiguration? configuration)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                return [.. validation.Failures];
            case AggregateException aggregate:
                var inner = aggregate.InnerExceptions.Select(e => Describe(e, configuration)).ToList();
                return inner.All(failures => failures.Count > 0) ? [.. inner.SelectMany(failures => failures)] : [];
            case InvalidOperationException when ConversionFailure().Match(exception.Message) is { Success: true } match:
                var key = match.Groups["key"].Value;
                return [string.Create(
                    CultureInfo.InvariantCulture,
                    $"{key} must be {Expected(match.Groups["type"].Value)} (was '{configuration?[key]}').")];
            default:
                return [];
        }
    }

    private static string Expected(string typeName) => typeName switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a time span (hh:mm:ss)",
        _ when typeName.StartsWith("System.Nullable`1[[", StringComparison.Ordinal) => Expected(typeName[18..typeName.IndexOf(',', StringComparison.Ordinal)]),
        _ when EnumNames(typeName) is { } names => "one of " + names,
        _ => "a valid " + typeName[(typeName.LastIndexOf('.') + 1)..],
    };

    private static string? EnumNames(string typeName) =>
        AppDomain.CurrentDomain.GetAssemblies().Select(assembly => assembly.GetType(typeName)).FirstOrDefault(type => type is { IsEnum: true }) is { } type
            ? string.Join(", ", Enum.GetNames(type))
            : null;

    // The binder's message: "Failed to convert configuration value [ 'x' ] at 'Section:Key' to type 'System.Int32'."
    [GeneratedRegex(@"^Failed to convert configuration value.* at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex ConversionFailure();
}
