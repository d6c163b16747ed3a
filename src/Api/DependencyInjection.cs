using System.Text.Json;
using FapiHub.Api.Authentication;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Api.OpenApi;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpenTelemetry.Metrics;
using DomainErrors = FapiHub.Domain.Errors.Errors;

namespace FapiHub.Api;

public static class DependencyInjection
{
    /// <summary>Registers the HTTP edge: controllers, the error envelope, authentication, limits and OpenAPI.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        AddControllers(services);
        AddErrorHandling(services);
        AddAuthentication(services, configuration);
        AddLimits(services, configuration);
        AddOpenApi(services);
        AddObservability(services);
        AddCors(services, configuration);
        return services;
    }

    /// <summary>Prometheus metrics at /metrics: ASP.NET Core's request metrics (by route and status), the FapiHub meter and the runtime's.</summary>
    private static void AddObservability(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(FapiHubMetrics.MeterName)
            .AddMeter("System.Runtime") // .NET's own: GC heap, working set, thread pool queue
            // No scrape cache: a scrape is cheap, and a cached one would hide what just happened.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

    /// <summary>CORS only when origins are configured: by default browsers on other origins get no access at all.</summary>
    private static void AddCors(IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection(CorsSettings.SectionName).Get<CorsSettings>()?.AllowedOrigins ?? [];
        if (origins.Length == 0)
        {
            return;
        }

        services.AddCors(options => options.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PATCH", "DELETE")
            .WithHeaders("ApiKey", "AdminKey", "Content-Type")
            .WithExposedHeaders(
                "X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "X-Credits-Charged", "X-Credits-Remaining", "X-Quota-Remaining", "X-Inference-Ms", "X-Processing-Ms")));
    }

    private static void AddControllers(IServiceCollection services)
    {
        services.AddControllers(options =>
            {
                options.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;

                // Requests are validated once, by FluentValidation in the mediator pipeline; the forms' DataAnnotations
                // only document ranges in OpenAPI. Binding errors (e.g. "abc" for an integer) still reach ModelState.
                options.ModelValidatorProviders.Clear();
                options.ModelBindingMessageProvider.SetAttemptedValueIsInvalidAccessor((value, _) => $"the value '{value}' is not valid here.");
                options.ModelBindingMessageProvider.SetValueIsInvalidAccessor(value => $"the value '{value}' is not valid here.");
                options.ModelBindingMessageProvider.SetValueMustBeANumberAccessor(_ => "must be a number.");
            })
            .AddJsonOptions(options => options.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

        // Model-binding failures use the envelope too, naming the field; a body cut off by the size limit is a 413.
        services.Configure<ApiBehaviorOptions>(options => options.InvalidModelStateResponseFactory = context =>
        {
            var errors = context.ModelState.Where(entry => entry.Value?.Errors.Count > 0).ToList();
            if (errors.SelectMany(e => e.Value!.Errors).Any(e => IsBodyTooLarge(e.Exception)))
            {
                return ErrorResponses.ToActionResult(ErrorResponses.ForStatusCode(context.HttpContext, StatusCodes.Status413PayloadTooLarge));
            }

            var (field, entry) = errors.Count > 0 ? (errors[0].Key, errors[0].Value!) : (string.Empty, null);
            var message = entry?.Errors[0] is { } first
                ? (string.IsNullOrEmpty(first.ErrorMessage) ? "could not be read." : first.ErrorMessage)
                : "is invalid.";
            return ErrorResponses.ToActionResult(
                string.IsNullOrEmpty(field)
                    ? DomainErrors.Request.Malformed(message)
                    : DomainErrors.Request.InvalidField(field, $"Field '{field}': {message}"));
        });
    }

    private static bool IsBodyTooLarge(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    private static void AddErrorHandling(IServiceCollection services) =>
        services.AddExceptionHandler<EnvelopeExceptionHandler>();

    private static void AddAuthentication(IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName));
        services.AddHttpContextAccessor();
        services.AddSingleton<ICallerContext, HttpCallerContext>();
    }

    private static void AddLimits(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.SectionName));

        // Uploads stay in memory up to the limit: image bytes never touch the disk.
        services.AddOptions<FormOptions>().Configure<IOptions<LimitsOptions>>((form, limits) =>
        {
            form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, limits.Value.MaxRequestBodyBytes);
            form.MultipartBodyLengthLimit = limits.Value.MaxRequestBodyBytes;
        });
    }

    private static void AddOpenApi(IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "FapiHub",
                Version = "v2",
                Description =
                    "Self-hosted background removal, wire-compatible with the hosted FapiHub v2 API: same paths, `ApiKey` header, " +
                    "multipart fields, PNG responses and JSON error envelope `{\"error\":{\"code\",\"message\",\"request_id\"}}`.",
            });
            options.AddSecurityDefinition(ApiKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "Your API key, sent in the `ApiKey` header.",
            });
            options.AddSecurityDefinition(AdminKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = AdminKeyAuthenticationHandler.HeaderName,
                Description = "The operator's admin key (`Admin:ApiKey`), sent in the `AdminKey` header. The admin API exists only when it is configured.",
            });
            options.OperationFilter<SecurityRequirementOperationFilter>();
            options.OperationFilter<FormEnumsOperationFilter>();
            options.OperationFilter<ErrorExamplesOperationFilter>();
            options.SchemaFilter<ErrorCodeSchemaFilter>();
            options.SupportNonNullableReferenceTypes();

            // Stable, readable operation ids (the action names) become the method names of generated clients.
            options.CustomOperationIds(api => api.ActionDescriptor.RouteValues["action"]);
            var xml = Path.Combine(AppContext.BaseDirectory, "FapiHub.Api.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }
        });
    }
}
