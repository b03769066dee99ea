using System.Reflection;
using Celeriac.Dashboard.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Web.Api;

/// <summary><c>GET api/session</c>: what the page needs before anything else — title, read-only, the cross-site token.</summary>
internal static class SessionApi
{
    private static readonly string Version = typeof(SessionApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/session", (HttpContext context) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
            var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
            var broker = DashboardApp.Of(context)?.Options.BrokerUrl;
            return Results.Json(new Session(options.Title, options.ReadOnly, tokens.RequestToken, CrossSiteCheck.HeaderName,
                context.User.Identity?.Name ?? "anonymous", Version, broker is null ? null : DashboardApp.MaskPassword(broker)), DashboardJson.Options);
        })
        .WithSummary("The session: title, read-only mode, the cross-site token for actions")
        .WithDescription("Send csrf_token in the header named csrf_header with every action (POST/PUT) from a browser.")
        .Produces<Session>();
}

/// <summary>The session's JSON.</summary>
internal sealed record Session(string Title, bool ReadOnly, string? CsrfToken, string CsrfHeader, string User, string Version, string? Broker);
