using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>Celery's <c>Request.info()</c> (docs/protocol.md §7.6): what <c>active</c>, <c>reserved</c>, <c>scheduled</c> and <c>query_task</c> list.</summary>
internal static class RequestInfo
{
    /// <param name="tracked">The request.</param>
    /// <param name="hostname">This node.</param>
    /// <param name="safe">Arguments as their repr strings (<c>argsrepr</c>) instead of JSON values.</param>
    public static JsonObject Of(TrackedRequest tracked, string hostname, bool safe = false)
    {
        var request = tracked.Request;
        var message = request.Message;
        var timeStart = tracked.TimeStart;
        return new JsonObject
        {
            ["id"] = message.Id,
            ["name"] = message.DisplayName,
            ["args"] = safe ? message.ArgsRepr ?? PythonSafeRepr.FormatTuple(message.Args) : message.Args.DeepClone(),
            ["kwargs"] = safe ? message.KwargsRepr ?? PythonSafeRepr.Format(message.Kwargs) : message.Kwargs.DeepClone(),
            ["type"] = message.Task,
            ["hostname"] = hostname,
            ["time_start"] = timeStart is { } t ? CeleryJson.PythonFloat(t) : null,
            // Acked early just before it runs (docs/protocol.md §5.2); with acks late, only once it ends.
            ["acknowledged"] = tracked.IsActive && !request.AcksLate,
            ["delivery_info"] = new JsonObject
            {
                ["exchange"] = request.Delivery.Route.Exchange,
                ["routing_key"] = request.Delivery.Route.RoutingKey,
                ["priority"] = message.Properties.Priority,
                // kombu's Redis transport leaves it out of delivery_info, so Celery shows null there too.
                ["redelivered"] = request.Delivery.Redelivered ? true : null,
            },
            ["worker_pid"] = tracked.IsActive ? Environment.ProcessId : null,
        };
    }
}
