using System.Diagnostics;
using Celeriac.Protocol.Messages;

namespace Celeriac.Diagnostics;

/// <summary>
/// The producer side: a span <c>apply_async/&lt;task&gt;</c> (<see cref="ActivityKind.Producer"/>) around
/// each publish of a task message, and the trace context written into its headers so the run, on
/// a Celeriac or a Python worker, continues the trace. The span is a child of whatever is current:
/// a web request, or — inside a worker — the consumer span of the run that sends (a retry, a chain
/// step, a callback, an errback, a chord body).
/// </summary>
internal static class PublishTracing
{
    /// <summary>
    /// Starts the producer span and writes the context into <paramref name="message"/>'s headers.
    /// Nothing listening (or the span sampled out) and no current activity: returns null and leaves
    /// the message as it was — no header, no allocation. With no span of ours but a current activity
    /// (another source's, e.g. ASP.NET Core's request), that activity's context is propagated, as
    /// HttpClient does, so the trace still crosses to the worker.
    /// </summary>
    public static Activity? Start(CeleriacApp app, TaskMessage message, DeliveryInfo route)
    {
        var span = TaskTracing.Source.HasListeners()
            ? TaskTracing.Source.StartActivity(TaskTracing.PublishPrefix + message.Task, ActivityKind.Producer)
            : null;
        var propagated = span ?? Activity.Current;
        if (propagated is null) return null;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TaskTracing.MessagingSystem, MessagingSystemName.Of(app.Options.BrokerUrl));
            span.SetTag(TaskTracing.OperationType, "send");
            span.SetTag(TaskTracing.OperationName, "apply_async");
            span.SetTag(TaskTracing.DestinationName, route.RoutingKey.Length > 0 ? route.RoutingKey : route.Exchange);
            span.SetTag(TaskTracing.MessageId, message.Id);
            span.SetTag(TaskTracing.TaskName, message.Task);
        }
        TraceHeaders.Inject(TaskTracing.Propagator(app), propagated, message.ExtraHeaders);
        return span;
    }

    /// <summary>The publish failed: the span says so, with the exception.</summary>
    public static void Failed(Activity span, Exception error)
    {
        span.SetStatus(ActivityStatusCode.Error, error.Message);
        span.AddException(error);
    }

    /// <summary>
    /// A beat run's message, built (maybe ahead of its slot) and encoded before its store publishes
    /// it in a batch: the span is recorded as the run is handed to the store, and the message is
    /// encoded again with the context in its headers. Nothing listening: the run as it was.
    /// </summary>
    public static Beat.Store.BeatRun Beat(CeleriacApp app, Beat.Store.BeatRun run, TaskMessage message)
    {
        if (!TaskTracing.Source.HasListeners()) return run;
        using var span = Start(app, message, run.Route);
        return span is null ? run : run with { Message = TaskMessageCodec.Encode(message) };
    }
}
