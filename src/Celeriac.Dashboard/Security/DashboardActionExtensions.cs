using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Security;

/// <summary>How an area marks its action endpoints; the group's filters (read-only, cross-site, audit) act on the mark.</summary>
internal static class DashboardActionExtensions
{
    /// <summary>Marks the endpoint as the action <paramref name="name"/> (see <see cref="DashboardAction"/>).</summary>
    public static RouteHandlerBuilder AsAction(this RouteHandlerBuilder builder, string name) =>
        builder.WithMetadata(new DashboardAction(name));
}
