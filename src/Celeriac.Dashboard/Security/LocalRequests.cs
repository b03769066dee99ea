using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Security;

/// <summary>
/// "Local requests only": the connection's remote address must be a loopback address. Only the connection is
/// read, never <c>X-Forwarded-For</c> — an app behind a proxy that trusts it runs ForwardedHeaders, which sets
/// the connection's address before we see it. A request on the machine's own network address counts as
/// remote (Hangfire lets it in; a proxy on the same machine would then let everyone in).
/// </summary>
internal static class LocalRequests
{
    public const string Refusal = "the dashboard serves local requests only (set DashboardOptions.LocalRequestsOnly = false, or give its endpoints an authorization policy)";

    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    /// <summary>True when the endpoint carries an authorization requirement (<c>.RequireAuthorization(…)</c>): the policy decides who may, not the address.</summary>
    public static bool HasAuthorization(IEnumerable<object> metadata)
    {
        var authorized = false;
        foreach (var item in metadata)
        {
            if (item is IAllowAnonymous) return false;
            if (item is IAuthorizeData or AuthorizationPolicy) authorized = true;
        }
        return authorized;
    }
}
