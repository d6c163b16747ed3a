using FapiHub.Api;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application;
using FapiHub.Application.Common.Startup;
using FapiHub.Infrastructure;
using FapiHub.Infrastructure.BackgroundRemoval.Onnx;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.FileProviders;

// The container image's HEALTHCHECK: probe the running server and exit, without building a host.
if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args, Console.Out);
}

// A model run holds a pool thread for seconds. With the pool's default minimum (one thread per core) a burst of requests,
// quick 503 refusals included, would queue behind the pool's slow growth; a larger minimum keeps them answering.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 8 * Environment.ProcessorCount), minIo);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Choose(args) });

builder.Services
    .AddApplication(builder.Configuration)
    .AddInfrastructure(builder.Configuration)
    .AddApi(builder.Configuration);

// The demo page comes from the content root's wwwroot (dotnet run, the tests). Started elsewhere (from bin/ or a publish
// folder, cwd anywhere) the content root has none, so the copy the build puts next to the assembly serves it.
if (!Directory.Exists(builder.Environment.WebRootPath) && Path.Combine(AppContext.BaseDirectory, "wwwroot") is var besideTheApp && Directory.Exists(besideTheApp))
{
    builder.Environment.WebRootPath = besideTheApp;
    builder.Environment.WebRootFileProvider = new PhysicalFileProvider(besideTheApp);
}

// Every setting is checked before the host starts: a refused one ends the process with one logged error naming each
// refused key and exit code 1 (the host itself would throw, print a stack trace and abort). Hosted by a test factory
// instead, the refusal is thrown, for the factory to report.
WebApplication app;
try
{
    app = builder.Build();
}
catch (Exception ex) when (StartupFailure.EndsTheProcess && StartupChecks.Describe(ex, builder.Configuration) is { Count: > 0 } failures)
{
    return StartupFailure.Report(failures);
}

if (await StartupChecks.RunAsync(app.Services, CancellationToken.None) is { Count: > 0 } refused)
{
    return await StartupFailure.ReportAsync(app, refused);
}

// Order matters: the processing-time stamp first (it measures everything), then the request id (everything after can
// log and report it) and the security headers (on every answer, errors included), then the exception handler and the
// status-code pages (they wrap everything after), then the size gate before authentication, so an oversized body is
// refused before any work.
app.UseMiddleware<ProcessingTimeMiddleware>();
app.UseMiddleware<RequestIdMiddleware>();
app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseExceptionHandler(_ => { });
app.UseStatusCodePages(context =>
{
    var http = context.HttpContext;
    return http.Response.HasStarted || http.Response.ContentLength is not null || http.Response.ContentType is not null
        ? Task.CompletedTask
        : ErrorResponses.WriteAsync(http, ErrorResponses.ForStatusCode(http, http.Response.StatusCode), http.Response.StatusCode);
});
app.UseMiddleware<UploadLimitMiddleware>();
if (app.Services.GetService<Microsoft.AspNetCore.Cors.Infrastructure.ICorsService>() is not null)
{
    app.UseCors();
}

// The demo page (wwwroot/index.html at "/"): plain static files, no build step, no CDN.
app.UseDefaultFiles();
app.UseStaticFiles();

// Swagger UI and the document, unless Swagger:Enabled is false (a public box that should not advertise itself); then
// /swagger and /swagger/v1/swagger.json are plain 404s, in the envelope.
if (app.Configuration.GetValue(SwaggerSettings.EnabledKey, defaultValue: true))
{
    app.UseSwagger();
    app.UseSwaggerUI(options =>
    {
        options.SwaggerEndpoint("/swagger/v1/swagger.json", "FapiHub v2");
        options.DocumentTitle = "FapiHub API";
    });
}

app.UseAuthentication();
app.UseAuthorization();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponses.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapControllers();

try
{
    await app.RunAsync();
}
catch (Exception ex) when (StartupFailure.EndsTheProcess && StartupChecks.Describe(ex, app.Configuration) is { Count: > 0 } failures)
{
    return StartupFailure.Report(failures);
}
catch (ModelStartupException) when (StartupFailure.EndsTheProcess)
{
    // Logged where it was refused, with its reason and fix: an exit code, not the runtime's crash (134 and a stack trace).
    return StartupFailure.ExitCode;
}

// A model that could not be loaded stops the host with Environment.ExitCode set (ModelLoaderService).
return Environment.ExitCode;

/// <summary>
/// The content root is the working directory, as usual, when that holds the app's settings (dotnet run, bin/, a
/// publish folder entered with cd, the tests). Started from anywhere else (<c>dotnet /srv/fapihub/FapiHub.Api.dll</c>)
/// it would find neither appsettings.json nor wwwroot and refuse to start, so the folder of the app is used instead.
/// An explicit content root (argument or environment) always wins.
/// </summary>
internal static class ContentRoot
{
    public static string? Choose(string[] args)
    {
        var explicitlySet = args.Any(arg => arg.Contains("contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 };
        var settingsHere = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"));
        var settingsBesideTheApp = File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        return !explicitlySet && !settingsHere && settingsBesideTheApp ? AppContext.BaseDirectory : null;
    }
}

/// <summary>Entry point; public so the functional tests' WebApplicationFactory can start the real application.</summary>
public partial class Program;
