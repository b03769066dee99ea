using Celeriac.Dashboard.Security;
using Celeriac.Dashboard.Web;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Celeriac dashboard's pages, REST API and metrics under one path.</summary>
public static class CeleriacDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/>: the pages at <c>{prefix}/</c>, the API at
    /// <c>{prefix}/api/…</c> (Flower's paths where they fit), OpenAPI at <c>{prefix}/openapi.json</c> and Prometheus
    /// metrics at <c>{prefix}/metrics</c>. The returned group takes conventions such as
    /// <c>.RequireAuthorization(policy)</c>; without one only local requests are served (see
    /// <c>DashboardOptions.LocalRequestsOnly</c>). Needs <c>services.AddCeleriacDashboard()</c>.
    /// </summary>
    public static RouteGroupBuilder MapCeleriacDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/celeriac")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix);
        group.WithGroupName(DashboardOpenApi.DocumentName);
        // Last, so it sees every convention's metadata, the app's RequireAuthorization included.
        ((IEndpointConventionBuilder)group).Finally(DashboardGuard.Apply);
        DashboardEndpoints.Map(group);
        return group;
    }
}
