using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FapiHub.Api.Authentication;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Api.OpenApi;
using FapiHub.Api.Protocols.FapiHubV2;
using FapiHub.Api.Protocols.RemoveBg;
using FapiHub.Application.Abstractions.Accounts;
using FapiHub.Application.Common;
using FapiHub.Application.Common.Startup;
using FapiHub.Application.Common.Telemetry;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpenTelemetry.Metrics;

namespace FapiHub.Api;

public static class DependencyInjection
{
    /// <summary>Registers the HTTP edge: controllers, the error envelope, authentication, limits and OpenAPI.</summary>
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        AddControllers(services);
        AddProtocols(services);
        AddErrorHandling(services);
        AddAuthentication(services, configuration);
        AddLimits(services);
        AddOpenApi(services);
        AddObservability(services);
        AddCors(services, configuration);
        services.AddCheckedOptions<CorsSettings, CorsSettingsValidator>(configuration.GetSection(CorsSettings.SectionName));
        services.AddSingleton<IStartupCheck, SwaggerSettingCheck>();
        return services;
    }

    /// <summary>Each wire protocol's mapping from its fields to the typed commands; a second protocol adds its own beside it.</summary>
    private static void AddProtocols(IServiceCollection services) =>
        services.AddSingleton<FapiHubV2FormMapping>();

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
            .WithHeaders("ApiKey", "AdminKey", "X-Api-Key", "Content-Type", "Accept")
            .WithExposedHeaders(
                "X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "X-Credits-Charged", "X-Credits-Remaining", "X-Quota-Remaining", "X-Inference-Ms", "X-Processing-Ms",
                "X-Type", "X-Width", "X-Height", "X-Foreground-Top", "X-Foreground-Left", "X-Foreground-Width", "X-Foreground-Height")));
    }

    private static void AddControllers(IServiceCollection services)
    {
        services.AddControllers(options =>
            {
                options.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;

                // Requests are validated once, by FluentValidation in the mediator pipeline; the forms' DataAnnotations
                // only document ranges in OpenAPI. Binding errors (e.g. "abc" for an integer) still reach ModelState.
                options.ModelValidatorProviders.Clear();
                // Messages that follow "Field 'x' " (InvalidModelState): the house form, "Field 'x' must …".
                options.ModelBindingMessageProvider.SetAttemptedValueIsInvalidAccessor((value, _) => $"must be a valid value; was '{value}'.");
                options.ModelBindingMessageProvider.SetValueIsInvalidAccessor(value => $"must be a valid value; was '{value}'.");
                options.ModelBindingMessageProvider.SetValueMustBeANumberAccessor(_ => "must be a number.");
                options.ModelBinderProviders.Insert(0, new StrictFormValueBinderProvider());
            })
            .AddJsonOptions(options =>
            {
                options.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;

                // Numbers are JSON numbers: the web defaults would read "5" as 5, and a typo'd type should be a 400.
                options.JsonSerializerOptions.NumberHandling = JsonNumberHandling.Strict;

                // The serializer's messages name .NET types ("FapiHub.Api.Contracts.AddCreditsRequest"); the envelope
                // says what is wrong in the API's own terms instead (JsonBodyError).
                options.AllowInputFormatterExceptionMessages = false;
            });

        // Model-binding failures use the envelope too, naming the field; a body cut off by the size limit is a 413.
        services.Configure<ApiBehaviorOptions>(options =>
        {
            // No ProblemDetails bodies: a bare status (e.g. [FromBody] without a Content-Type: 415) reaches the status
            // code pages, which answer it in the envelope like every other error.
            options.SuppressMapClientErrors = true;
            options.InvalidModelStateResponseFactory = InvalidModelState;
        });
    }

    private static IActionResult InvalidModelState(ActionContext context)
    {
        var errors = context.ModelState.Where(entry => entry.Value?.Errors.Count > 0).ToList();
        // A body over the limit can only be one without Content-Length (a declared one is refused before reading), and
        // its stream records the overrun, however the binder wrapped the read failure.
        if (UploadLimit.IsExceeded(context.HttpContext))
        {
            return ErrorResponses.ToActionResult(UploadLimit.Error(context.HttpContext));
        }

        // A JSON body's errors are keyed by their JSON path ("$.amount"); they say more than the parameter's.
        if (errors.FirstOrDefault(e => e.Key.StartsWith('$')) is { Key: not null } json)
        {
            return ErrorResponses.ToActionResult(JsonBodyError(context, json.Key, json.Value!.Errors[0]));
        }

        // The server refused the body while the form was read (one that trickled in below the minimum rate: 408). The
        // binder kept only the words; the body's stream kept the refusal, whose status the answer has, as the exception
        // handler answers the same refusal outside model binding.
        if (context.HttpContext.Features.Get<UploadLimitFeature>()?.Refused is { } refused)
        {
            return ErrorResponses.ToActionResult(DomainErrors.Request.Malformed(refused.Message), refused.StatusCode);
        }

        // The form reader's own failure (a boundary that matches no part, a header block past its limit, a body that
        // ends early) is reported as "Failed to read the request form. Multipart header length limit 16384 exceeded":
        // its words are the reader's, not the client's problem.
        if (errors.SelectMany(e => e.Value!.Errors).Any(e => e.Exception is ValueProviderException
            || e.ErrorMessage.StartsWith("Failed to read the request form", StringComparison.Ordinal)))
        {
            var picture = RemoveBgProtocol.Speaks(context.HttpContext) ? "'image_file' (or the base64 in 'image_file_b64')" : "'image'";
            return ErrorResponses.ToActionResult(DomainErrors.Request.Malformed(
                "the body is not a well-formed multipart/form-data body: its parts do not match the boundary declared in the " +
                $"Content-Type header, or it ends early. Send the form as multipart/form-data, the picture in the field {picture}."));
        }

        // Every field that did not bind (radius=abc&crop=maybe names both, ADR 14): the first is the answer's code and
        // message, as when it was the only one reported; the envelope lists them all when there are several.
        if (errors.Count == 0 || string.IsNullOrEmpty(errors[0].Key))
        {
            return ErrorResponses.ToActionResult(DomainErrors.Request.Malformed(errors.Count == 0 ? "is invalid." : MessageOf(errors[0].Value!)));
        }

        var fields = errors
            .Where(e => !string.IsNullOrEmpty(e.Key))
            .Select(e => FieldError(e.Key, MessageOf(e.Value!)))
            .ToList();
        return ErrorResponses.ToActionResult(DomainErrors.Request.InvalidFields(fields));

        static string MessageOf(ModelStateEntry entry) =>
            entry.Errors[0] is { ErrorMessage.Length: > 0 } first ? first.ErrorMessage : "could not be read.";

        static Error FieldError(string field, string message) =>
            DomainErrors.Request.InvalidField(field, message.StartsWith("must ", StringComparison.Ordinal) ? $"Field '{field}' {message}" : $"Field '{field}': {message}");
    }

    /// <summary>
    /// What was wrong with a JSON body, from the serializer's error at <paramref name="path"/>: broken JSON, a body
    /// that is not an object, or a field of the wrong type (named, with the type it must have).
    /// </summary>
    private static Error JsonBodyError(ActionContext context, string path, ModelError error)
    {
        // Syntax errors come from the reader, wrapped in the serializer's exception; type mismatches have no such inner.
        if (error.Exception is JsonException { InnerException: JsonException } syntax)
        {
            return DomainErrors.Request.Malformed(string.Create(
                CultureInfo.InvariantCulture,
                $"the body is not valid JSON (line {syntax.LineNumber + 1}, byte {syntax.BytePositionInLine + 1})."));
        }

        var field = path.TrimStart('$').TrimStart('.').Split('.', '[')[0];
        if (field.Length == 0)
        {
            return DomainErrors.Request.Malformed("the body must be one JSON object with the documented fields.");
        }

        var bodyType = context.ActionDescriptor.Parameters.FirstOrDefault(p => p.BindingInfo?.BindingSource == BindingSource.Body)?.ParameterType;
        var property = bodyType?.GetProperties().FirstOrDefault(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == field);
        var expected = (Nullable.GetUnderlyingType(property?.PropertyType ?? typeof(object)) ?? property?.PropertyType) switch
        {
            { } t when t == typeof(long) || t == typeof(int) => "a whole number (a JSON number, without quotes or decimals)",
            { } t when t == typeof(string) => "a JSON string",
            { } t when t == typeof(bool) => "true or false",
            _ => "of the documented type",
        };
        return DomainErrors.Request.InvalidField(field, $"Field '{field}' must be {expected}.");
    }

    private static void AddErrorHandling(IServiceCollection services)
    {
        services.AddExceptionHandler<EnvelopeExceptionHandler>();
        services.AddSingleton<KestrelRejectionEnvelopes>();
    }

    private static void AddAuthentication(IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, RemoveBgKeyAuthenticationHandler>(RemoveBgKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddCheckedOptions<AdminOptions, AdminOptionsValidator>(configuration.GetSection(AdminOptions.SectionName));
        services.AddHttpContextAccessor();
        services.AddSingleton<ICallerContext, HttpCallerContext>();
    }

    /// <summary>Kestrel, the host's drain timeout and the form reader all read the one <see cref="LimitsOptions"/> (bound by AddApplication).</summary>
    private static void AddLimits(IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((kestrel, options) =>
        {
            if (CheckedOrNull(options) is not { } limits)
            {
                return;
            }

            // No "Server: Kestrel" banner; slow and stuck clients are cut off instead of holding connections.
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(limits.MinRequestBodyGraceSeconds));

            // Kestrel answers requests it cannot parse (431, 414, 408, 400) before any middleware runs; this puts the envelope in.
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(next =>
                listen.ApplicationServices.GetRequiredService<KestrelRejectionEnvelopes>().Middleware(next)));
        });

        // SIGTERM: stop accepting, let in-flight requests finish (and be charged once) for up to the drain timeout.
        services.AddOptions<HostOptions>().Configure<IOptions<LimitsOptions>>((host, options) =>
        {
            if (CheckedOrNull(options) is { } limits)
            {
                host.ShutdownTimeout = TimeSpan.FromSeconds(limits.DrainTimeoutSeconds);
            }
        });

        // Uploads stay in memory up to the limit: image bytes never touch the disk.
        services.AddOptions<FormOptions>().Configure<IOptions<LimitsOptions>>((form, limits) =>
        {
            form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, limits.Value.MaxRequestBodyBytes);
            // Never the limit that trips: the body itself is capped at MaxRequestBodyBytes (UploadLimitMiddleware), and
            // that cap answers 413, where the multipart reader's own limit would surface as a 400.
            form.MultipartBodyLengthLimit = limits.Value.MaxRequestBodyBytes + 1;
        });
    }

    /// <summary>
    /// The limits, or null when they are refused. Kestrel's and the host's options are read while the host is built,
    /// before the start-up checks run; those report a bad Limits section (with every other refused setting), so
    /// these readers keep their defaults instead of ending Build with an exception.
    /// </summary>
    private static LimitsOptions? CheckedOrNull(IOptions<LimitsOptions> options)
    {
        LimitsOptions? limits = null;
        return StartupChecks.Failures(() => limits = options.Value).Count == 0 ? limits : null;
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

                // Our code's licence (LICENSE, ADR 12). The model weights the build downloads are AGPL-3.0: see the README.
                License = new OpenApiLicense { Name = "Apache-2.0", Url = new Uri("https://www.apache.org/licenses/LICENSE-2.0") },
            });

            // Relative, so the document works for whichever host serves it (a client resolves "/" against the URL it
            // fetched the document from): there is no one canonical host for a self-hosted API.
            options.AddServer(new OpenApiServer
            {
                Url = "/",
                Description = "The FapiHub instance serving this document (for a local run: http://localhost:5080).",
            });
            options.AddSecurityDefinition(
                ApiKeyAuthenticationHandler.SchemeName,
                HeaderKey(ApiKeyAuthenticationHandler.HeaderName, "Your API key, sent in the `ApiKey` header."));
            options.AddSecurityDefinition(
                RemoveBgKeyAuthenticationHandler.SchemeName,
                HeaderKey(RemoveBgKeyAuthenticationHandler.HeaderName, "The same API key, sent in remove.bg's `X-Api-Key` header (the remove.bg-compatible routes)."));
            options.AddSecurityDefinition(
                AdminKeyAuthenticationHandler.SchemeName,
                HeaderKey(
                    AdminKeyAuthenticationHandler.HeaderName,
                    "The operator's admin key (`Admin:ApiKey`), sent in the `AdminKey` header. The admin API exists only when it is configured."));
            options.OperationFilter<SecurityRequirementOperationFilter>();
            options.OperationFilter<FormEnumsOperationFilter>();
            options.OperationFilter<ErrorExamplesOperationFilter>();
            options.OperationFilter<RemoveBgRequestBodyOperationFilter>();
            options.OperationFilter<RequestBodyRequiredOperationFilter>();
            options.SchemaFilter<ErrorCodeSchemaFilter>();
            options.DocumentFilter<TrailingSlashPathsDocumentFilter>();
            options.DocumentFilter<TagDescriptionsDocumentFilter>();
            options.DocumentFilter<ResponsePropertiesRequiredDocumentFilter>();
            options.SupportNonNullableReferenceTypes();

            // Stable, readable operation ids (the action names) become the method names of generated clients.
            options.CustomOperationIds(api => api.ActionDescriptor.RouteValues["action"]);
            var xml = Path.Combine(AppContext.BaseDirectory, "FapiHub.Api.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }
        });

        static OpenApiSecurityScheme HeaderKey(string header, string description) =>
            new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = header, Description = description };
    }
}
