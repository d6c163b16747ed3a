namespace FapiHub.Api.Http;

/// <summary>Cross-origin access (section <c>Cors</c>): off unless origins are configured.</summary>
public sealed class CorsSettings
{
    public const string SectionName = "Cors";

    /// <summary>Origins allowed to call the API from a browser, e.g. <c>https://app.example.com</c>. Empty: no CORS headers at all.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>The OpenAPI document and Swagger UI (section <c>Swagger</c>).</summary>
public static class SwaggerSettings
{
    /// <summary><c>true</c> (the default): serve /swagger and /swagger/v1/swagger.json; <c>false</c>: both are 404.</summary>
    public const string EnabledKey = "Swagger:Enabled";
}
