using FapiHub.Api;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application;
using FapiHub.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// A model run holds a pool thread for ~2 s. With the pool's default minimum (one thread per core) a burst of requests,
// quick 503 refusals included, would queue behind the pool's slow growth; a larger minimum keeps them answering.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 8 * Environment.ProcessorCount), minIo);

var builder = WebApplication.CreateBuilder(args);

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddApi(builder.Configuration);

var limits = builder.Configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>() ?? new LimitsOptions();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // No "Server: Kestrel" banner; slow and stuck clients are cut off instead of holding connections.
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
    kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
    kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
    kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(limits.MinRequestBodyGraceSeconds));
});

// SIGTERM: stop accepting, let in-flight requests finish (and be charged once) for up to the drain timeout.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(limits.DrainTimeoutSeconds));

var app = builder.Build();

// Order matters: the id first (everything after can log and report it), errors next (they wrap everything after),
// then the size gate before authentication, so an oversized body is refused before any work.
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

app.UseSwagger();
app.UseSwaggerUI(options =>
{
    options.SwaggerEndpoint("/swagger/v1/swagger.json", "FapiHub v2");
    options.DocumentTitle = "FapiHub API";
});

app.UseAuthentication();
app.UseAuthorization();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthResponses.WriteAsync });
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapControllers();

await app.RunAsync();

/// <summary>Entry point; public so the functional tests' WebApplicationFactory can start the real application.</summary>
public partial class Program;
