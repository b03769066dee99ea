namespace Celeriac.Worker;

/// <summary>Settings of one worker; defaults come from the app's <see cref="CeleriacOptions"/>.</summary>
public sealed class WorkerOptions
{
    /// <summary>Execution slots: how many tasks run at once.</summary>
    public int Concurrency { get; set; } = CeleriacOptions.DefaultConcurrency;

    /// <summary>Unsettled messages held per slot; 0 means no limit (as in Celery).</summary>
    public int PrefetchMultiplier { get; set; } = 4;

    /// <summary>Queues to consume; default: the app's default queue.</summary>
    public IList<string> Queues { get; set; } = [];

    /// <summary>Node name, <c>celeriac@&lt;host&gt;</c> by default; must be unique in the cluster.</summary>
    public string Hostname { get; set; } = "";

    /// <summary>
    /// Warm shutdown: how long to wait for running tasks before cancelling their tokens.
    /// <see cref="Timeout.InfiniteTimeSpan"/>, or anything past about 49.7 days, waits for as long as they run.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After cancelling, how long tasks get to stop before their messages are requeued anyway.
    /// <see cref="Timeout.InfiniteTimeSpan"/>, or anything past about 49.7 days, waits for as long as they run.
    /// </summary>
    public TimeSpan CancelGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most ETA and rate-limited messages held in memory; at the bound the worker stops fetching.</summary>
    public int EtaTaskLimit { get; set; } = 10_000;

    /// <summary>The largest message read, in bytes, compressed or inflated; larger ones are rejected. 0 means no limit.</summary>
    public long MaxMessageSize { get; set; } = CeleriacOptions.DefaultMaxMessageSize;

    /// <summary>The most messages asked of the broker in one round trip.</summary>
    public int MaxFetchBatch { get; set; } = 256;

    /// <summary>
    /// Autoscaling (Celery's <c>--autoscale MAX,MIN</c>), or null for a pool of
    /// <see cref="Concurrency"/> slots. The pool starts at Min slots, grows with the backlog up to
    /// Max and shrinks back to Min once <see cref="AutoscaleKeepalive"/> has passed without growing;
    /// prefetch is Max × <see cref="PrefetchMultiplier"/>. <see cref="Concurrency"/> is then ignored.
    /// </summary>
    public (int Max, int Min)? Autoscale { get; set; }

    /// <summary>How long after it last grew an autoscaled pool may shrink (Celery's <c>AUTOSCALE_KEEPALIVE</c>). Default 30 s.</summary>
    public TimeSpan AutoscaleKeepalive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Unsettled messages the worker may hold: slots × multiplier (the autoscaler's Max × multiplier),
    /// unbounded when the multiplier is 0.
    /// </summary>
    public int PrefetchLimit => PrefetchFor(Autoscale?.Max ?? Concurrency);

    /// <summary>The prefetch credit for <paramref name="slots"/> slots.</summary>
    internal int PrefetchFor(int slots) => PrefetchMultiplier == 0 ? int.MaxValue / 2 : checked(Math.Max(slots, 1) * PrefetchMultiplier);

    /// <summary>
    /// Send events at all (docs/protocol.md §6.4): <c>worker-online</c>, a <c>worker-heartbeat</c> every
    /// <see cref="HeartbeatInterval"/>, <c>worker-offline</c>, and task events when
    /// <see cref="SendTaskEvents"/> is on. Default true, as a Celery worker always sends its worker
    /// events; turned off, monitors (<c>celery events</c>, Flower, <c>ClusterState</c>) never see
    /// this worker, as a Celery worker run with <c>--without-heartbeat --without-gossip</c> and no <c>-E</c>.
    /// </summary>
    public bool SendEvents { get; set; } = true;

    /// <summary>
    /// Send task events (<c>task-received</c>, <c>task-started</c>, <c>task-succeeded</c>, …): Celery's
    /// <c>-E</c>/<c>worker_send_task_events</c>, from <see cref="CeleriacOptions.WorkerSendTaskEvents"/>.
    /// The <c>enable_events</c> and <c>disable_events</c> commands switch them at run time.
    /// </summary>
    public bool SendTaskEvents { get; set; }

    /// <summary>Seconds between heartbeats, sent as <c>freq</c> (Celery's <c>--heartbeat-interval</c>). Default 2 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Also run a beat in this process (Celery's <c>worker -B</c>), started and stopped with the worker.</summary>
    public bool RunBeat { get; set; }

    /// <summary>Settings for the embedded beat (<see cref="RunBeat"/>); null for the app's defaults.</summary>
    public Beat.BeatOptions? Beat { get; set; }

    /// <summary>The node name used when none is set.</summary>
    public static string DefaultHostname(CeleriacOptions options) => options.Hostname ?? $"celeriac@{Environment.MachineName}";

    internal static WorkerOptions From(CeleriacOptions app) => new()
    {
        Concurrency = app.WorkerConcurrency,
        PrefetchMultiplier = app.WorkerPrefetchMultiplier,
        Queues = [app.DefaultQueue],
        Hostname = DefaultHostname(app),
        ShutdownTimeout = app.WorkerShutdownTimeout,
        CancelGracePeriod = app.WorkerSoftShutdownTimeout,
        EtaTaskLimit = app.WorkerEtaTaskLimit,
        MaxMessageSize = app.WorkerMaxMessageSize,
        Autoscale = app.WorkerAutoscale,
        AutoscaleKeepalive = app.WorkerAutoscaleKeepalive,
        SendTaskEvents = app.WorkerSendTaskEvents,
    };

    internal void Validate()
    {
        if (Concurrency < 1) throw new ArgumentException($"WorkerOptions.Concurrency (worker_concurrency) must be at least 1 (got {Concurrency}).");
        if (PrefetchMultiplier < 0) throw new ArgumentException($"WorkerOptions.PrefetchMultiplier (worker_prefetch_multiplier) must be 0 (no limit) or more (got {PrefetchMultiplier}).");
        if (Queues.Count == 0 || Queues.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("WorkerOptions.Queues needs at least one queue name, and no empty ones.");
        if (string.IsNullOrWhiteSpace(Hostname)) throw new ArgumentException("WorkerOptions.Hostname (the node name, e.g. celeriac@host) must not be empty.");
        if (MaxFetchBatch < 1) throw new ArgumentException($"WorkerOptions.MaxFetchBatch must be at least 1 (got {MaxFetchBatch}).");
        if (EtaTaskLimit < 1) throw new ArgumentException($"WorkerOptions.EtaTaskLimit (worker_eta_task_limit) must be at least 1 (got {EtaTaskLimit}).");
        if (ShutdownTimeout < TimeSpan.Zero && ShutdownTimeout != Timeout.InfiniteTimeSpan) throw new ArgumentException("ShutdownTimeout must not be negative (Timeout.InfiniteTimeSpan waits for as long as tasks run).");
        if (CancelGracePeriod < TimeSpan.Zero && CancelGracePeriod != Timeout.InfiniteTimeSpan) throw new ArgumentException("CancelGracePeriod must not be negative (Timeout.InfiniteTimeSpan waits for as long as tasks run).");
        if (Autoscale is { } bounds && (bounds.Max < 1 || bounds.Min < 0 || bounds.Min > bounds.Max))
            throw new ArgumentException($"Autoscale ({bounds.Max},{bounds.Min}) needs 1 ≤ Max and 0 ≤ Min ≤ Max.");
        if (AutoscaleKeepalive <= TimeSpan.Zero) throw new ArgumentException("AutoscaleKeepalive must be positive (it stops the pool shrinking too fast).");
        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval > ClockAlarm.MaxTimerWait) throw new ArgumentException("HeartbeatInterval must be positive (and under 49 days).");
        if (MaxMessageSize < 0) throw new ArgumentException("MaxMessageSize must not be negative (0 means no limit).");
    }
}
