using System.Text.Json;
using Celeriac.Dashboard.Store;
using Celeriac.Dashboard.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Security;

/// <summary>
/// The dashboard's security, wrapped around every endpoint of its group (a <c>Finally</c> convention, so it
/// sees the endpoint's final metadata — an area's <c>AsAction</c>, the app's <c>RequireAuthorization</c> — and
/// covers endpoints of every kind, whichever area maps them). In order: local requests only; then, for an
/// action, read-only mode, the cross-site check and the audit row; and for every endpoint, an exception
/// becomes <c>{"error": …}</c> (500), never a stack trace.
/// </summary>
internal static class DashboardGuard
{
    public const string ReadOnlyRefusal = "the dashboard is read-only";

    public static void Apply(EndpointBuilder endpoint)
    {
        if (endpoint.RequestDelegate is not { } inner) return;
        var action = endpoint.Metadata.OfType<DashboardAction>().LastOrDefault();
        var authorized = LocalRequests.HasAuthorization(endpoint.Metadata);
        endpoint.RequestDelegate = context => RunAsync(context, inner, action, authorized);
    }

    private static async Task RunAsync(HttpContext context, RequestDelegate inner, DashboardAction? action, bool authorized)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var audit = action is null ? null : ActionAudit.Begin(context, action.Name);
        var refusal = !authorized && options.LocalRequestsOnly && !LocalRequests.IsLocal(context) ? LocalRequests.Refusal
            : action is null ? null
            : options.ReadOnly ? ReadOnlyRefusal
            : await CrossSiteCheck.RefusalAsync(context).ConfigureAwait(false);
        if (refusal is not null)
        {
            if (audit is not null) await WriteAuditAsync(context, audit, "refused: " + refusal).ConfigureAwait(false);
            await ApiError.WriteAsync(context, StatusCodes.Status403Forbidden, refusal).ConfigureAwait(false);
            return;
        }
        try
        {
            await inner(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            Log(context).LogError(e, "Dashboard request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            audit?.Fail(e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                var (status, sentence) = Failure(e);
                await ApiError.WriteAsync(context, status, sentence).ConfigureAwait(false);
            }
        }
        if (audit is not null)
            await WriteAuditAsync(context, audit, audit.Error is null && context.Response.StatusCode < 400 ? "ok" : "error: " + (audit.Error ?? $"status {context.Response.StatusCode}"))
                .ConfigureAwait(false);
    }

    /// <summary>A broker or backend that is down or slow is a 503 saying so; anything else a 500 naming the exception.</summary>
    private static (int Status, string Sentence) Failure(Exception e) =>
        IsOutage(e) ? (StatusCodes.Status503ServiceUnavailable, "the broker or result backend is unavailable: " + e.Message)
        : (StatusCodes.Status500InternalServerError, $"the request failed ({e.GetType().Name}): {e.Message}");

    // By type name too: the transports' connection exceptions live in packages this one does not reference.
    private static bool IsOutage(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is TimeoutException or System.Net.Sockets.SocketException or IOException
                || e.GetType().Name.EndsWith("ConnectionException", StringComparison.Ordinal)
                || e.GetType().Name.Contains("Unreachable", StringComparison.Ordinal)) return true;
        return false;
    }

    private static async Task WriteAuditAsync(HttpContext context, ActionAudit audit, string outcome)
    {
        var entry = new AuditEntry(DateTimeOffset.UtcNow, context.User.Identity?.Name ?? "anonymous", context.Connection.RemoteIpAddress?.ToString(),
            audit.Action, audit.Target ?? RouteTarget(context), audit.Detail, outcome);
        try
        {
            // Not the request's token: a client that hangs up after asking still gets its action recorded.
            await context.RequestServices.GetRequiredService<IDashboardStore>().WriteAuditAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log(context).LogError(e, "Could not write the audit row {Entry}", JsonSerializer.Serialize(entry, DashboardJson.Options));
        }
    }

    /// <summary>The route's first value (task id, hostname, queue, entry name) when the handler named no target.</summary>
    private static string? RouteTarget(HttpContext context)
    {
        foreach (var (_, value) in context.Request.RouteValues)
            if (value is string text) return text;
        return null;
    }

    private static ILogger Log(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Celeriac.Dashboard");
}
