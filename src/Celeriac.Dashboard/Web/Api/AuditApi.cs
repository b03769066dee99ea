using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Web.Api;

/// <summary><c>GET api/audit</c>: the audit log of actions, newest first, paged by cursor.</summary>
internal static class AuditApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", async (HttpContext context, string? limit, string? cursor) =>
        {
            if (!QueryValues.TryInt(limit, 50, 1, 1000, out var size)) return ApiError.BadRequest(context, "limit must be a whole number from 1 to 1000");
            try
            {
                var page = await context.RequestServices.GetRequiredService<IDashboardStore>().QueryAuditAsync(size, cursor, context.RequestAborted).ConfigureAwait(false);
                return Results.Json(new AuditPageJson(page.Entries, page.NextCursor), DashboardJson.Options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return ApiError.BadRequest(context, "cursor is not one this API returned");
            }
        })
        .WithSummary("The audit log of actions, newest first")
        .WithDescription("Every action call (allowed, refused or failed): at, user, remote address, action, target, detail, outcome.")
        .Produces<AuditPageJson>();
}

/// <summary>The audit page's JSON.</summary>
internal sealed record AuditPageJson(IReadOnlyList<AuditEntry> Entries, string? NextCursor);
