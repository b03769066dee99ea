using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>Placeholder: the part that owns these endpoints maps them here (see DashboardEndpoints).</summary>
internal static class WorkerApi
{
    public static void Map(RouteGroupBuilder api) { }
}
