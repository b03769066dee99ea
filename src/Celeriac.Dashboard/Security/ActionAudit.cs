using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Security;

/// <summary>
/// What one action call's audit row will say, filled in while the request runs: the handler names the target
/// and the detail, an error (<see cref="Web.ApiError"/>) records its message; the guard writes the row at the end.
/// </summary>
internal sealed class ActionAudit(string action)
{
    private static readonly object Key = new();

    public string Action { get; } = action;
    public string? Target { get; set; }
    public string? Detail { get; set; }
    public string? Error { get; private set; }

    public void Fail(string message) => Error ??= message;

    /// <summary>The audit of the action running in <paramref name="context"/>, or null outside an action.</summary>
    public static ActionAudit? Of(HttpContext context) => context.Items.TryGetValue(Key, out var audit) ? (ActionAudit?)audit : null;

    public static ActionAudit Begin(HttpContext context, string action)
    {
        var audit = new ActionAudit(action);
        context.Items[Key] = audit;
        return audit;
    }
}
