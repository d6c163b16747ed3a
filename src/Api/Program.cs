using FapiHub.Api;
using FapiHub.Api.Errors;
using FapiHub.Api.Http;
using FapiHub.Application;
using FapiHub.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

builder.Services
    .AddApplication()
    .AddInfrastructure(builder.Configuration)
    .AddApi(builder.Configuration);

builder.WebHost.ConfigureKestrel((context, kestrel) =>
{
    kestrel.AddServerHeader = false;
    var limits = context.Configuration.GetSection(LimitsOptions.SectionName).Get<LimitsOptions>() ?? new LimitsOptions();
    kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
});

var app = builder.Build();

// Order matters: the id first (everything after can log and report it), errors next (they wrap everything after),
// then the size gate before authentication, so an oversized body is refused before any work.
app.UseMiddleware<RequestIdMiddleware>();
app.UseExceptionHandler(_ => { });
app.UseStatusCodePages(context =>
{
    var http = context.HttpContext;
    return http.Response.HasStarted || http.Response.ContentLength is not null || http.Response.ContentType is not null
        ? Task.CompletedTask
        : ErrorResponses.WriteAsync(http, ErrorResponses.ForStatusCode(http, http.Response.StatusCode), http.Response.StatusCode);
});
app.UseMiddleware<UploadLimitMiddleware>();

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
app.MapControllers();

await app.RunAsync();

/// <summary>Entry point; public so the functional tests' WebApplicationFactory can start the real application.</summary>
public partial class Program;
