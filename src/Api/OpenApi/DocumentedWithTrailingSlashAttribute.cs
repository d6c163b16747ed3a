namespace FapiHub.Api.OpenApi;

/// <summary>
/// The controller's paths appear in the OpenAPI document with a trailing slash (<c>/v2/rembg/mask/</c>), the form
/// FapiHub's own documentation shows, so a generated client calls the URL the hosted API documents. Routing matches
/// both forms either way (ASP.NET Core ignores a trailing slash), so clients that omit it keep working.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DocumentedWithTrailingSlashAttribute : Attribute;
