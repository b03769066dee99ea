using System.Globalization;
using Celeriac.Beat.Schedules;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Configuration;

/// <summary>
/// Reads <see cref="CeleriacOptions"/> from <see cref="IConfiguration"/> under either the .NET names
/// (<c>BrokerUrl</c>) or Celery's setting names (<c>broker_url</c>, <c>task_default_queue</c>, …).
/// Unknown keys are ignored; a value that cannot be read throws with the key's path.
/// </summary>
public static class CeleriacConfiguration
{
    private static readonly Dictionary<string, Action<CeleriacOptions, IConfigurationSection>> Setters = BuildSetters();

    /// <summary>Applies every recognised key of <paramref name="configuration"/> to <paramref name="options"/>.</summary>
    /// <example><code>CeleriacConfiguration.Bind(options, builder.Configuration.GetSection("Celeriac"));</code></example>
    public static CeleriacOptions Bind(CeleriacOptions options, IConfiguration configuration)
    {
        foreach (var section in configuration.GetChildren())
        {
            if (!Setters.TryGetValue(Normalize(section.Key), out var set)) continue;
            try
            {
                set(options, section);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                // A section with children (task_queues, beat_schedule) has no value of its own to show.
                var shown = section.Value is null ? "" : $" = '{section.Value}'";
                throw new FormatException($"Celeriac setting '{section.Path}'{shown} cannot be read: {ex.Message}", ex);
            }
        }
        return options;
    }

    /// <summary>Celery's names and ours compare equal once underscores go and case is folded.</summary>
    private static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static Dictionary<string, Action<CeleriacOptions, IConfigurationSection>> BuildSetters()
    {
        var map = new Dictionary<string, Action<CeleriacOptions, IConfigurationSection>>();
        void Add(Action<CeleriacOptions, IConfigurationSection> set, params string[] names)
        {
            foreach (var name in names) map[Normalize(name)] = set;
        }

        Add((o, s) => o.BrokerUrl = s.Value!, "BrokerUrl", "broker_url", "broker");
        Add((o, s) => o.ResultBackend = s.Value, "ResultBackend", "result_backend", "backend");
        Add((o, s) => o.DefaultQueue = s.Value!, "DefaultQueue", "task_default_queue");
        Add((o, s) => o.TaskSerializer = s.Value!, "TaskSerializer", "task_serializer");
        Add((o, s) => o.ResultSerializer = s.Value!, "ResultSerializer", "result_serializer");
        Add((o, s) => o.AcceptContent = List(s), "AcceptContent", "accept_content");
        Add((o, s) => o.AlwaysEager = Bool(s), "AlwaysEager", "task_always_eager");
        Add((o, s) => o.EagerPropagates = Bool(s), "EagerPropagates", "task_eager_propagates");
        Add((o, s) => o.StoreEagerResult = Bool(s), "StoreEagerResult", "task_store_eager_result");
        Add((o, s) => o.AcksLate = Bool(s), "AcksLate", "task_acks_late");
        Add((o, s) => o.AcksOnFailureOrTimeout = Bool(s), "AcksOnFailureOrTimeout", "task_acks_on_failure_or_timeout");
        Add((o, s) => o.RejectOnWorkerLost = Bool(s), "RejectOnWorkerLost", "task_reject_on_worker_lost");
        Add((o, s) => o.TrackStarted = Bool(s), "TrackStarted", "task_track_started");
        Add((o, s) => o.IgnoreResult = Bool(s), "IgnoreResult", "task_ignore_result");
        Add((o, s) => o.StoreErrorsEvenIfIgnored = Bool(s), "StoreErrorsEvenIfIgnored", "task_store_errors_even_if_ignored");
        Add((o, s) => o.ResultExpires = OptionalSeconds(s), "ResultExpires", "result_expires");
        Add((o, s) => o.ResultExtended = Bool(s), "ResultExtended", "result_extended");
        Add((o, s) => o.DefaultPriority = string.IsNullOrEmpty(s.Value) ? null : Int(s), "DefaultPriority", "task_default_priority");
        Add((o, s) => o.InheritParentPriority = Bool(s), "InheritParentPriority", "task_inherit_parent_priority");
        Add((o, s) => o.ResultChordRetryInterval = OptionalSeconds(s) ?? TimeSpan.Zero, "ResultChordRetryInterval", "result_chord_retry_interval");
        Add((o, s) => Merge(o.Routes, s), "Routes", "task_routes");
        Add((o, s) => Merge(o.BrokerTransportOptions, s), "BrokerTransportOptions", "broker_transport_options");
        Add((o, s) => Merge(o.ResultBackendTransportOptions, s), "ResultBackendTransportOptions", "result_backend_transport_options");
        Add((o, s) => o.TaskTimeLimit = OptionalSeconds(s), "TaskTimeLimit", "task_time_limit");
        Add((o, s) => o.TaskSoftTimeLimit = OptionalSeconds(s), "TaskSoftTimeLimit", "task_soft_time_limit");
        Add((o, s) => o.DefaultRateLimit = s.Value, "DefaultRateLimit", "task_default_rate_limit");
        Add((o, s) => o.WorkerDisableRateLimits = Bool(s), "WorkerDisableRateLimits", "worker_disable_rate_limits");
        Add((o, s) => o.WorkerEtaTaskLimit = Int(s), "WorkerEtaTaskLimit", "worker_eta_task_limit");
        Add((o, s) => TaskQueuesConfiguration.Merge(o.TaskQueues, s), "TaskQueues", "task_queues");
        Add((o, s) => o.TaskQueueMaxPriority = string.IsNullOrEmpty(s.Value) ? null : Int(s), "TaskQueueMaxPriority", "task_queue_max_priority");
        Add((o, s) => o.TaskDefaultQueueType = s.Value ?? "classic", "TaskDefaultQueueType", "task_default_queue_type");
        Add((o, s) => o.BrokerNativeDelayedDeliveryQueueType = s.Value ?? "quorum", "BrokerNativeDelayedDeliveryQueueType", "broker_native_delayed_delivery_queue_type");
        Add((o, s) => o.WorkerMaxMessageSize = long.Parse(s.Value ?? "", NumberStyles.Integer, CultureInfo.InvariantCulture), "WorkerMaxMessageSize", "worker_max_message_size");
        Add((o, s) => o.WorkerConcurrency = Int(s), "WorkerConcurrency", "worker_concurrency", "concurrency");
        Add((o, s) => o.WorkerAutoscale = Autoscale(s.Value), "WorkerAutoscale", "worker_autoscale", "autoscale");
        Add((o, s) => o.WorkerAutoscaleKeepalive = OptionalSeconds(s) ?? TimeSpan.FromSeconds(30), "WorkerAutoscaleKeepalive", "worker_autoscale_keepalive", "autoscale_keepalive");
        Add((o, s) => o.WorkerPrefetchMultiplier = Int(s), "WorkerPrefetchMultiplier", "worker_prefetch_multiplier");
        Add((o, s) => o.WorkerShutdownTimeout = OptionalSeconds(s) ?? TimeSpan.Zero, "WorkerShutdownTimeout", "worker_shutdown_timeout");
        Add((o, s) => o.WorkerSoftShutdownTimeout = OptionalSeconds(s) ?? TimeSpan.Zero, "WorkerSoftShutdownTimeout", "worker_soft_shutdown_timeout");
        Add((o, s) => o.Hostname = s.Value, "Hostname", "worker_hostname");
        Add((o, s) => o.WorkerRevokesMax = Int(s), "WorkerRevokesMax", "worker_revokes_max", "CELERY_WORKER_REVOKES_MAX");
        Add((o, s) => o.WorkerRevokeExpires = OptionalSeconds(s) ?? TimeSpan.FromSeconds(10_800), "WorkerRevokeExpires", "worker_revoke_expires", "CELERY_WORKER_REVOKE_EXPIRES");
        Add((o, s) => o.WorkerRevokeRefreshInterval = OptionalSeconds(s) ?? TimeSpan.FromSeconds(1), "WorkerRevokeRefreshInterval", "worker_revoke_refresh_interval");
        Add((o, s) => o.WorkerSendTaskEvents = Bool(s), "WorkerSendTaskEvents", "worker_send_task_events");
        Add((o, s) => o.TaskSendSentEvent = Bool(s), "TaskSendSentEvent", "task_send_sent_event");
        Add((o, s) => o.Timezone = TimeZoneName(s.Value), "Timezone", "timezone");
        Add((o, s) => BeatScheduleConfiguration.Merge(o.BeatSchedule, s), "BeatSchedule", "beat_schedule");
        Add((o, s) => o.BeatScheduleFilename = string.IsNullOrWhiteSpace(s.Value) || s.Value is "None" or "null" ? null : s.Value,
            "BeatScheduleFilename", "beat_schedule_filename");
        return map;
    }

    private static bool Bool(IConfigurationSection s) => (s.Value ?? "").Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" or "" => false,
        var v => throw new FormatException($"'{v}' is not a boolean"),
    };

    /// <summary>An IANA zone name beats can read (checked here, so a typo names the setting, not a beat entry).</summary>
    private static string TimeZoneName(string? value)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name)) throw new FormatException("a time zone name is needed (IANA, e.g. Europe/Berlin or UTC)");
        try
        {
            BeatTimeZones.Find(name);
            return name;
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    private static int Int(IConfigurationSection s) => int.Parse(s.Value ?? "", NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>MAX,MIN</c> as Celery's <c>--autoscale</c> reads it (MIN may be left out: 0); empty or
    /// <c>None</c> turns autoscaling off. (Celery's <c>worker_autoscaler</c> setting names the
    /// autoscaler's class, not its bounds, so it is not read here.)
    /// </summary>
    internal static (int Max, int Min)? Autoscale(string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v) || v is "None" or "null") return null;
        var comma = v.IndexOf(',', StringComparison.Ordinal);
        var max = int.Parse(comma < 0 ? v : v[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture);
        var min = comma < 0 || v[(comma + 1)..].Trim().Length == 0 ? 0 : int.Parse(v[(comma + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
        return (max, min);
    }

    /// <summary>Seconds as a number (Celery) or a TimeSpan (<c>1.00:00:00</c>); empty or <c>None</c> is null.</summary>
    private static TimeSpan? OptionalSeconds(IConfigurationSection s)
    {
        var v = s.Value?.Trim();
        if (string.IsNullOrEmpty(v) || v is "None" or "null") return null;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return TimeSpan.FromSeconds(seconds);
        return TimeSpan.Parse(v, CultureInfo.InvariantCulture);
    }

    /// <summary>A list from <c>a,b</c>, a JSON-ish <c>["a","b"]</c>, or child sections <c>0</c>, <c>1</c>, …</summary>
    private static List<string> List(IConfigurationSection s)
    {
        var children = s.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (children.Count > 0) return children;
        return (s.Value ?? "").Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => x.Trim('"', '\'')).ToList();
    }

    private static void Merge(IDictionary<string, string> target, IConfigurationSection s)
    {
        foreach (var child in s.GetChildren())
        {
            // A route may be a plain queue name or an object with a "queue" key, as in Celery.
            var value = child.Value ?? child.GetSection("queue").Value;
            if (value is not null) target[child.Key] = value;
        }
    }
}
