using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Celeriac.Dashboard.Web;

/// <summary>
/// The OpenAPI document of the dashboard's endpoints (and only those: the app's own have their documents),
/// served at <c>{prefix}/openapi.json</c>. Every dashboard endpoint carries the group name
/// <see cref="DocumentName"/>, which is how the document picks them.
/// </summary>
internal static class DashboardOpenApi
{
    public const string DocumentName = "celeriac-dashboard";

    public static void Register(IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = description => description.GroupName == DocumentName;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Celeriac dashboard",
                    Version = typeof(DashboardOpenApi).Assembly.GetName().Version?.ToString(3) ?? "0",
                    Description = "The dashboard's REST API: our endpoints (used by its pages) and Flower's under the same paths and parameters. " +
                        "Actions (POST/PUT) need the X-Celeriac-Csrf header from GET api/session, or a non-browser client (no Origin, no cookies).",
                };
                return Task.CompletedTask;
            });
        });

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/openapi.json", async (HttpContext context) =>
        {
            var provider = context.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
            var document = await provider.GetOpenApiDocumentAsync(context.RequestAborted).ConfigureAwait(false);
            var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, context.RequestAborted).ConfigureAwait(false);
            return Results.Text(json, "application/json; charset=utf-8");
        }).ExcludeFromDescription();
}
