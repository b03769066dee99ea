using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// The app's settings under Celery's names, as <c>conf</c> and <c>report</c> show them: JSON values
/// (durations in seconds), secrets masked as Celery masks them. Without defaults, only the
/// settings that differ from a fresh <see cref="CeleriacOptions"/> (Celery's <c>without_defaults</c>).
/// </summary>
internal static class CelerySettings
{
    public static JsonObject Table(CeleriacOptions options, bool withDefaults)
    {
        var table = Of(options);
        if (!withDefaults)
        {
            var defaults = Of(new CeleriacOptions());
            foreach (var key in table.Select(kv => kv.Key).ToList())
            {
                if (defaults.TryGetPropertyValue(key, out var d) && JsonNode.DeepEquals(d, table[key])) table.Remove(key);
            }
        }
        var masked = new JsonObject();
        foreach (var (key, value) in table) masked[key] = SettingsMask.Value(key, value?.DeepClone());
        return masked;
    }

    private static JsonObject Of(CeleriacOptions o) => new()
    {
        ["broker_url"] = o.BrokerUrl,
        ["result_backend"] = o.ResultBackend,
        ["task_default_queue"] = o.DefaultQueue,
        ["task_serializer"] = o.TaskSerializer,
        ["result_serializer"] = o.ResultSerializer,
        ["accept_content"] = new JsonArray(o.AcceptContent.Select(c => (JsonNode?)c).ToArray()),
        ["task_always_eager"] = o.AlwaysEager,
        ["task_eager_propagates"] = o.EagerPropagates,
        ["task_store_eager_result"] = o.StoreEagerResult,
        ["task_acks_late"] = o.AcksLate,
        ["task_acks_on_failure_or_timeout"] = o.AcksOnFailureOrTimeout,
        ["task_reject_on_worker_lost"] = o.RejectOnWorkerLost,
        ["task_track_started"] = o.TrackStarted,
        ["task_ignore_result"] = o.IgnoreResult,
        ["task_store_errors_even_if_ignored"] = o.StoreErrorsEvenIfIgnored,
        ["result_expires"] = Seconds(o.ResultExpires),
        ["result_extended"] = o.ResultExtended,
        ["task_default_priority"] = o.DefaultPriority,
        ["task_inherit_parent_priority"] = o.InheritParentPriority,
        ["result_chord_retry_interval"] = Seconds(o.ResultChordRetryInterval),
        ["task_routes"] = Dictionary(o.Routes),
        ["broker_transport_options"] = Dictionary(o.BrokerTransportOptions),
        ["result_backend_transport_options"] = Dictionary(o.ResultBackendTransportOptions),
        ["task_time_limit"] = Seconds(o.TaskTimeLimit),
        ["task_soft_time_limit"] = Seconds(o.TaskSoftTimeLimit),
        ["task_default_rate_limit"] = o.DefaultRateLimit,
        ["worker_disable_rate_limits"] = o.WorkerDisableRateLimits,
        ["worker_eta_task_limit"] = o.WorkerEtaTaskLimit,
        ["worker_max_message_size"] = o.WorkerMaxMessageSize,
        ["worker_concurrency"] = o.WorkerConcurrency,
        ["worker_prefetch_multiplier"] = o.WorkerPrefetchMultiplier,
        ["worker_shutdown_timeout"] = Seconds(o.WorkerShutdownTimeout),
        ["worker_soft_shutdown_timeout"] = Seconds(o.WorkerSoftShutdownTimeout),
        ["worker_hostname"] = o.Hostname,
    };

    private static JsonNode? Seconds(TimeSpan? span) => span is { } s ? CeleryJson.PythonFloat(s.TotalSeconds) : null;

    private static JsonObject Dictionary(IDictionary<string, string> values)
    {
        var o = new JsonObject();
        foreach (var (key, value) in values) o[key] = value;
        return o;
    }
}
