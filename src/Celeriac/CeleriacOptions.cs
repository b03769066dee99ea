using System.Globalization;
using System.Text.Json;
using Celeriac.Serialization;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac;

/// <summary>
/// App settings. Each has Celery's name too (in the remarks), and <see cref="Configuration.CeleriacConfiguration.Bind"/>
/// reads either form from <c>IConfiguration</c>, so <c>broker_url</c> and <c>BrokerUrl</c> both work.
/// </summary>
/// <example>
/// <code>
/// var app = CeleriacApp.Create(o =>
/// {
///     o.BrokerUrl = "redis://localhost:6379/0";
///     o.ResultBackend = "redis://localhost:6379/1";
/// });
/// </code>
/// </example>
public sealed class CeleriacOptions
{
    /// <summary>Broker URL (<c>broker_url</c>). Default <c>memory://</c>, the embedded in-process broker.</summary>
    public string BrokerUrl { get; set; } = "memory://";

    /// <summary>Result backend URL (<c>result_backend</c>); null or <c>disabled</c> for none (Celery's default).</summary>
    public string? ResultBackend { get; set; }

    /// <summary>Queue for tasks without a route (<c>task_default_queue</c>). Default <c>celery</c>.</summary>
    public string DefaultQueue { get; set; } = "celery";

    /// <summary>Serializer for task messages (<c>task_serializer</c>). Only <c>json</c> is supported.</summary>
    public string TaskSerializer { get; set; } = "json";

    /// <summary>Serializer for results (<c>result_serializer</c>). Only <c>json</c> is supported.</summary>
    public string ResultSerializer { get; set; } = "json";

    /// <summary>Content types the worker accepts (<c>accept_content</c>); names or MIME types. Pickle is always refused.</summary>
    public IList<string> AcceptContent { get; set; } = ["json"];

    /// <summary>Run tasks in the caller instead of sending them (<c>task_always_eager</c>), through the worker's execution path.</summary>
    public bool AlwaysEager { get; set; }

    /// <summary>In eager mode, throw the task's failure from <c>DelayAsync</c> (<c>task_eager_propagates</c>).</summary>
    public bool EagerPropagates { get; set; }

    /// <summary>In eager mode, store results in the configured backend (<c>task_store_eager_result</c>).</summary>
    public bool StoreEagerResult { get; set; }

    /// <summary>Acknowledge after the task ran instead of just before (<c>task_acks_late</c>).</summary>
    public bool AcksLate { get; set; }

    /// <summary>With acks late, ack failed and timed-out tasks too (<c>task_acks_on_failure_or_timeout</c>). Default true.</summary>
    public bool AcksOnFailureOrTimeout { get; set; } = true;

    /// <summary>With acks late, requeue a task whose worker was lost (<c>task_reject_on_worker_lost</c>).</summary>
    public bool RejectOnWorkerLost { get; set; }

    /// <summary>Store STARTED when a task begins (<c>task_track_started</c>).</summary>
    public bool TrackStarted { get; set; }

    /// <summary>Do not store results by default (<c>task_ignore_result</c>).</summary>
    public bool IgnoreResult { get; set; }

    /// <summary>Store failures even for tasks that ignore results (<c>task_store_errors_even_if_ignored</c>).</summary>
    public bool StoreErrorsEvenIfIgnored { get; set; }

    /// <summary>How long results are kept (<c>result_expires</c>). Default one day; null keeps them forever.</summary>
    public TimeSpan? ResultExpires { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Store name, args, kwargs, worker, retries and queue with results (<c>result_extended</c>).</summary>
    public bool ResultExtended { get; set; }

    /// <summary>Priority for tasks that do not set one (<c>task_default_priority</c>).</summary>
    public int? DefaultPriority { get; set; }

    /// <summary>
    /// Callbacks, chain steps and chord bodies a worker sends take the priority of the message that
    /// ran before them (<c>task_inherit_parent_priority</c>). Default false.
    /// </summary>
    public bool InheritParentPriority { get; set; }

    /// <summary>
    /// How long the worker that completed a chord holds the claim on sending its body before the
    /// completing part, redelivered after that worker died, may send it instead (native joins,
    /// <see cref="Backends.ChordClaim"/>). Keep it longer than a body send and shorter than the
    /// broker's visibility timeout. Default 30 s.
    /// </summary>
    public TimeSpan ChordClaimLease { get; set; } = Backends.ChordClaim.DefaultLease;

    /// <summary>How long <c>celery.chord_unlock</c> waits between checks of the header (<c>result_chord_retry_interval</c>). Default 1 s.</summary>
    public TimeSpan ResultChordRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The highest priority the task queues take (<c>task_queue_max_priority</c>): on RabbitMQ every
    /// queue is declared with <c>x-max-priority</c> = this value unless its own arguments set one, as
    /// Celery does, so Python and .NET peers declare the same queue. Null (default): no priority queues.
    /// </summary>
    public int? TaskQueueMaxPriority { get; set; }

    /// <summary>
    /// The type of the task queues Celeriac declares (<c>task_default_queue_type</c>, Celery 5.5's name):
    /// <c>classic</c> (default, what Celery 5.2 declares) or <c>quorum</c> (replicated, at-least-once
    /// dead-lettering; RabbitMQ declares it with <c>x-queue-type: quorum</c>). A queue's own
    /// <c>x-queue-type</c> argument wins. Celery 5.2 workers declare their queues without the argument
    /// and so fail with 406 PRECONDITION_FAILED on a quorum queue: use it only for fleets without them.
    /// </summary>
    public string TaskDefaultQueueType { get; set; } = "classic";

    /// <summary>
    /// The queue type of the RabbitMQ delay topology far ETAs are republished into
    /// (<c>broker_native_delayed_delivery_queue_type</c>, Celery 5.5's name): <c>quorum</c> (default, as
    /// Celery 5.5) or <c>classic</c>. Every peer must declare it alike.
    /// </summary>
    public string BrokerNativeDelayedDeliveryQueueType { get; set; } = "quorum";

    /// <summary>
    /// The queues with settings of their own (<c>task_queues</c>): exchange, exchange type, routing key
    /// and queue arguments such as dead-lettering (<c>x-dead-letter-exchange</c>, <c>x-message-ttl</c>,
    /// <c>x-max-length</c>). A queue not listed here is Celery's default: a durable queue bound to the
    /// same-named direct exchange with its name as key.
    /// </summary>
    public IList<TaskQueue> TaskQueues { get; set; } = new List<TaskQueue>();

    /// <summary>Task name or glob (<c>tasks.*</c>) to queue (<c>task_routes</c>); first match wins.</summary>
    public IDictionary<string, string> Routes { get; set; } = new Dictionary<string, string>();

    /// <summary>Broker options (<c>broker_transport_options</c>): <c>visibility_timeout</c>, <c>global_keyprefix</c>, …</summary>
    public IDictionary<string, string> BrokerTransportOptions { get; set; } = new Dictionary<string, string>();

    /// <summary>Backend options (<c>result_backend_transport_options</c>).</summary>
    public IDictionary<string, string> ResultBackendTransportOptions { get; set; } = new Dictionary<string, string>();

    /// <summary>Hard time limit for tasks without their own (<c>task_time_limit</c>).</summary>
    public TimeSpan? TaskTimeLimit { get; set; }

    /// <summary>Soft time limit for tasks without their own (<c>task_soft_time_limit</c>).</summary>
    public TimeSpan? TaskSoftTimeLimit { get; set; }

    /// <summary>Rate limit for tasks without their own (<c>task_default_rate_limit</c>), e.g. <c>"100/m"</c>.</summary>
    public string? DefaultRateLimit { get; set; }

    /// <summary>Ignore every rate limit (<c>worker_disable_rate_limits</c>).</summary>
    public bool WorkerDisableRateLimits { get; set; }

    /// <summary>
    /// Most ETA/countdown and rate-limited messages a worker holds in memory (<c>worker_eta_task_limit</c>);
    /// at the bound it stops fetching. Default 10,000.
    /// </summary>
    public int WorkerEtaTaskLimit { get; set; } = 10_000;

    /// <summary>
    /// The largest task message a worker reads, in bytes: its headers and body as received, and the
    /// body again as inflated when it is compressed (inflating stops at the limit, so a small zlib
    /// body that would inflate to gigabytes never does). A larger message is rejected (never
    /// requeued) with the reason logged, and the worker goes on. Default 256 MiB; 0 means no limit.
    /// Celery has no such setting (<c>worker_max_message_size</c> is ours); a decoded message costs
    /// a few times its size in memory, so this also bounds what one message can take.
    /// </summary>
    public long WorkerMaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>The default of <see cref="WorkerMaxMessageSize"/>: 256 MiB.</summary>
    internal const long DefaultMaxMessageSize = 256L * 1024 * 1024;

    /// <summary>
    /// Worker slots (<c>worker_concurrency</c>). Default: 5 per processor, at most 20 (at least 4).
    /// Celery defaults to one process per CPU because its slots are processes; here a slot is an
    /// async task on the thread pool, so I/O-bound tasks want more of them.
    /// </summary>
    public int WorkerConcurrency { get; set; } = DefaultConcurrency;

    /// <summary>The default number of worker slots on this machine.</summary>
    public static int DefaultConcurrency => Math.Clamp(Environment.ProcessorCount * 5, 4, 20);

    /// <summary>
    /// Autoscaled worker slots (Celery's <c>worker --autoscale MAX,MIN</c>; bound from
    /// <c>worker_autoscale</c> / <c>autoscale</c> as <c>"MAX,MIN"</c>), or null for a fixed
    /// <see cref="WorkerConcurrency"/>. See <see cref="Worker.WorkerOptions.Autoscale"/>.
    /// </summary>
    public (int Max, int Min)? WorkerAutoscale { get; set; }

    /// <summary>How long after growing an autoscaled pool may shrink (Celery's <c>AUTOSCALE_KEEPALIVE</c>). Default 30 s.</summary>
    public TimeSpan WorkerAutoscaleKeepalive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages reserved per slot (<c>worker_prefetch_multiplier</c>). Default 4; 0 means no limit.</summary>
    public int WorkerPrefetchMultiplier { get; set; } = 4;

    /// <summary>How long a stopping worker waits for running tasks before cancelling them. Default 30 s.</summary>
    public TimeSpan WorkerShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Soft stage of shutdown (<c>worker_soft_shutdown_timeout</c>): after cancelling running tasks'
    /// tokens, how long they get to stop before the cold stage requeues their messages. Default 5 s.
    /// </summary>
    public TimeSpan WorkerSoftShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most revoked ids a worker holds (Celery's <c>CELERY_WORKER_REVOKES_MAX</c>, read from the
    /// environment for the default as Celery does). Default 50,000; the oldest go first.
    /// </summary>
    public int WorkerRevokesMax { get; set; } = EnvironmentNumber("CELERY_WORKER_REVOKES_MAX", 50_000, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    /// <summary>
    /// How long a revoke holds (Celery's <c>CELERY_WORKER_REVOKE_EXPIRES</c>, read from the environment
    /// for the default). Default 3 hours (10,800 s). A task past its own expiry is discarded as expired anyway.
    /// </summary>
    public TimeSpan WorkerRevokeExpires { get; set; } =
        TimeSpan.FromSeconds(EnvironmentNumber("CELERY_WORKER_REVOKE_EXPIRES", 10_800.0, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)));

    /// <summary>
    /// How often a running worker reads the revokes the broker keeps (ours; Celery has no such store),
    /// so a revoke it missed while its mailbox was away still holds. Default 1 s.
    /// </summary>
    public TimeSpan WorkerRevokeRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Workers send task events (<c>worker_send_task_events</c>, the worker's <c>-E</c>): <c>task-received</c>,
    /// <c>task-started</c>, <c>task-succeeded</c>, <c>task-failed</c>, … for monitors such as
    /// <c>celery events</c> and Flower (docs/protocol.md §6.3). Default false, as in Celery.
    /// </summary>
    public bool WorkerSendTaskEvents { get; set; }

    /// <summary>
    /// Clients send a <c>task-sent</c> event for every task they publish (<c>task_send_sent_event</c>).
    /// Default false, as in Celery.
    /// </summary>
    public bool TaskSendSentEvent { get; set; }

    /// <summary>
    /// The IANA time zone wall-clock beat schedules are read in (<c>timezone</c>) unless an entry
    /// names its own. Default <c>UTC</c>.
    /// </summary>
    public string Timezone { get; set; } = "UTC";

    /// <summary>Periodic task entries (<c>beat_schedule</c>), read into <see cref="CeleriacApp.Beat"/> when the app is created.</summary>
    public IList<Beat.BeatEntry> BeatSchedule { get; set; } = [];

    /// <summary>Where a beat keeps entry state when the broker has no shared store (<c>beat_schedule_filename</c>). Default <c>celeriac-beat-state.json</c>; null keeps it in memory only.</summary>
    public string? BeatScheduleFilename { get; set; } = "celeriac-beat-state.json";

    /// <summary>Node name of workers (<c>-n</c>); default <c>celeriac@&lt;host&gt;</c>.</summary>
    public string? Hostname { get; set; }

    /// <summary>How CLR values become JSON and back. Defaults to Python-friendly snake_case.</summary>
    public JsonSerializerOptions Json { get; set; } = CeleriacJson.CreateDefaultOptions();

    /// <summary>The clock; tests swap in a virtual one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Logging; defaults to none. Tasks with an <c>ILogger</c> (named after the task) or
    /// <c>ILogger&lt;T&gt;</c> parameter log here; left at none, they use the services'
    /// <c>ILoggerFactory</c> if there is one, else a logger that discards everything.
    /// </summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// How trace context travels in task message headers (top-level <c>traceparent</c>/<c>tracestate</c>,
    /// where Python's <c>opentelemetry-instrumentation-celery</c> puts them). Null (the default) uses
    /// <see cref="System.Diagnostics.DistributedContextPropagator.Current"/>; the Celeriac.OpenTelemetry
    /// package sets one that follows OpenTelemetry's configured propagator.
    /// </summary>
    public System.Diagnostics.DistributedContextPropagator? Propagator { get; set; }

    /// <summary>
    /// Where the app's <see cref="System.Diagnostics.Metrics.Meter"/> comes from; <c>AddCeleriac</c> sets the
    /// host's. Null makes one of the app's own, named <c>Celeriac</c> like the other.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>Transports and backends by URL scheme; packages add theirs (<c>UseRedis()</c>).</summary>
    internal ProviderRegistry Providers { get; } = new();

    /// <summary>Accepted content types as MIME types, without pickle whatever the settings say.</summary>
    internal IReadOnlyCollection<string> AcceptedContentTypes =>
        AcceptContent.Select(Protocol.Messages.ContentTypes.Resolve)
            .Where(t => t != Protocol.Messages.ContentTypes.Pickle)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks the settings and throws <see cref="ArgumentException"/> with every problem found.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (UrlProblem("broker_url", BrokerUrl) is { } broker) problems.Add(broker);
        if (ResultBackend is { } rb && !IsDisabled(rb) && UrlProblem("result_backend", rb) is { } backend) problems.Add(backend);
        if (string.IsNullOrWhiteSpace(DefaultQueue)) problems.Add("task_default_queue must not be empty");
        if (Protocol.Messages.ContentTypes.Resolve(TaskSerializer) != Protocol.Messages.ContentTypes.Json) problems.Add($"task_serializer '{TaskSerializer}' is not supported (only json)");
        if (Protocol.Messages.ContentTypes.Resolve(ResultSerializer) != Protocol.Messages.ContentTypes.Json) problems.Add($"result_serializer '{ResultSerializer}' is not supported (only json)");
        if (WorkerConcurrency < 1) problems.Add("worker_concurrency must be at least 1");
        if (WorkerAutoscale is { } scale && (scale.Max < 1 || scale.Min < 0 || scale.Min > scale.Max)) problems.Add($"worker_autoscale {scale.Max},{scale.Min} needs 1 ≤ max and 0 ≤ min ≤ max");
        if (WorkerAutoscaleKeepalive <= TimeSpan.Zero) problems.Add("worker_autoscale_keepalive must be positive");
        if (WorkerPrefetchMultiplier < 0) problems.Add("worker_prefetch_multiplier must not be negative");
        if (DefaultPriority is < 0 or > 255) problems.Add("task_default_priority must be 0–255");
        if (WorkerEtaTaskLimit < 1) problems.Add("worker_eta_task_limit must be at least 1");
        if (WorkerMaxMessageSize < 0) problems.Add("worker_max_message_size must not be negative (0 means no limit)");
        if (!RateLimiting.RateLimit.TryParse(DefaultRateLimit, out _)) problems.Add($"task_default_rate_limit '{DefaultRateLimit}' is not a rate like \"10/s\"");
        if (TaskTimeLimit <= TimeSpan.Zero || TaskSoftTimeLimit <= TimeSpan.Zero) problems.Add("time limits must be positive");
        if (ResultChordRetryInterval < TimeSpan.Zero) problems.Add("result_chord_retry_interval must not be negative");
        if (ChordClaimLease <= TimeSpan.Zero) problems.Add("ChordClaimLease must be positive");
        if (WorkerRevokesMax < 1) problems.Add("worker_revokes_max must be at least 1");
        if (WorkerRevokeExpires <= TimeSpan.Zero) problems.Add("worker_revoke_expires must be positive");
        if (WorkerRevokeRefreshInterval <= TimeSpan.Zero) problems.Add("worker_revoke_refresh_interval must be positive");
        if (problems.Count > 0) throw new ArgumentException("Invalid Celeriac settings: " + string.Join("; ", problems));
    }

    /// <summary>
    /// What is wrong with a broker or backend URL, saying what one looks like; null when it is usable.
    /// A scheme followed by <c>://</c> is required: <see cref="Uri"/> alone would take
    /// <c>localhost:6379</c> for scheme <c>localhost</c>, and the error would name a transport
    /// nobody asked for.
    /// </summary>
    internal static string? UrlProblem(string setting, string? url)
    {
        const string Example = "expected a URL such as redis://localhost:6379/0, rediss://host:6380/0, amqp://guest@localhost// or memory://";
        if (string.IsNullOrWhiteSpace(url)) return $"{setting} is empty; {Example}";
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !Uri.CheckSchemeName(url[..schemeEnd]))
            return $"{setting} '{url}' has no scheme; {Example}";
        return Uri.TryCreate(url, UriKind.Absolute, out _) ? null : $"{setting} '{url}' is not a valid URL; {Example}";
    }

    /// <summary>A default read from the environment, as Celery reads these at import; unset or unreadable keeps <paramref name="fallback"/>.</summary>
    private static T EnvironmentNumber<T>(string name, T fallback, Func<string, T> parse)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        try { return parse(text.Trim()); }
        catch (Exception ex) when (ex is FormatException or OverflowException) { return fallback; }
    }

    internal static bool IsDisabled(string? url) => string.IsNullOrWhiteSpace(url) || url.Equals("disabled", StringComparison.OrdinalIgnoreCase);
}
