using System.Globalization;

namespace InteropWorker;

/// <summary>
/// The worker's settings as the contract defines them: environment first
/// (<c>CELERY_BROKER_URL</c>, <c>CELERY_RESULT_BACKEND</c>, <c>INTEROP_REDIS_URL</c>), then options.
/// </summary>
internal sealed record WorkerSettings
{
    public string Broker { get; init; } = "memory://";
    public string? Backend { get; init; }
    public IReadOnlyList<string> Queues { get; init; } = ["celery"];
    public int? Concurrency { get; init; }
    public (int Max, int Min)? Autoscale { get; init; }
    public int? PrefetchMultiplier { get; init; }
    public string? Hostname { get; init; }
    public bool Events { get; init; }
    public bool AcksLate { get; init; }
    public double? VisibilityTimeout { get; init; }
    public int? QueueMaxPriority { get; init; }
    public bool ConfirmPublish { get; init; } = true;
    public string? RecordRedisUrl { get; init; }
    /// <summary>Also run a beat in the worker process (Celery's <c>worker -B</c>).</summary>
    public bool Beat { get; init; }
    /// <summary>Run only a beat: publish due runs, consume nothing.</summary>
    public bool BeatOnly { get; init; }
    /// <summary>The schedule file (Celery's <c>beat_schedule</c> as JSON).</summary>
    public string? Schedule { get; init; }
    /// <summary>Where the beat keeps each entry's last run; null for the library's default (a file in the working directory).</summary>
    public string? BeatState { get; init; }
    /// <summary>Celery's <c>timezone</c>: the zone wall-clock entries are read in.</summary>
    public string? Timezone { get; init; }
    /// <summary>Record spans and write each finished one to stderr as a JSON line (docs/interop.md, "Tracing").</summary>
    public bool Trace { get; init; }

    /// <summary>True when this process runs a beat (embedded or alone).</summary>
    public bool RunsBeat => Beat || BeatOnly;

    /// <summary>Reads the settings; throws <see cref="ArgumentException"/> with a usage hint on a bad option.</summary>
    public static WorkerSettings Parse(string[] args, Func<string, string?> env)
    {
        var s = new WorkerSettings
        {
            Broker = env("CELERY_BROKER_URL") ?? "memory://",
            Backend = env("CELERY_RESULT_BACKEND"),
            RecordRedisUrl = env("INTEROP_REDIS_URL"),
            QueueMaxPriority = env("INTEROP_QUEUE_MAX_PRIORITY") is { Length: > 0 } max ? int.Parse(max, CultureInfo.InvariantCulture) : null,
        };
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            s = args[i] switch
            {
                "--broker" => s with { Broker = Value() },
                "--backend" => s with { Backend = Value() },
                "--queues" or "-Q" => s with { Queues = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--concurrency" or "-c" => s with { Concurrency = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--autoscale" => s with { Autoscale = ParseAutoscale(Value()) },
                "--prefetch-multiplier" => s with { PrefetchMultiplier = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--hostname" or "-n" => s with { Hostname = Value() },
                "--events" or "-E" => s with { Events = true },
                "--acks-late" => s with { AcksLate = true },
                "--visibility-timeout" => s with { VisibilityTimeout = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--queue-max-priority" => s with { QueueMaxPriority = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--no-confirm-publish" => s with { ConfirmPublish = false },
                "--beat" or "-B" => s with { Beat = true },
                "--beat-only" => s with { BeatOnly = true },
                "--schedule" => s with { Schedule = Value() },
                "--beat-state" => s with { BeatState = Value() },
                "--timezone" => s with { Timezone = KnownTimeZone(Value()) },
                "--trace" => s with { Trace = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        if (s.Queues.Count == 0) throw new ArgumentException("--queues needs at least one queue");
        if (s.Beat && s.BeatOnly) throw new ArgumentException("--beat and --beat-only exclude each other");
        if (!s.RunsBeat && (s.Schedule ?? s.BeatState) is not null) throw new ArgumentException("--schedule and --beat-state need --beat or --beat-only");
        return s;
    }

    /// <summary><c>MAX,MIN</c> as Celery's <c>--autoscale</c> reads it; MIN may be left out (0).</summary>
    private static (int Max, int Min) ParseAutoscale(string value)
    {
        var parts = value.Split(',', 2, StringSplitOptions.TrimEntries);
        var max = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var min = parts.Length < 2 || parts[1].Length == 0 ? 0 : int.Parse(parts[1], CultureInfo.InvariantCulture);
        if (max < 1 || min < 0 || min > max) throw new ArgumentException($"--autoscale {value}: needs MAX ≥ 1 and 0 ≤ MIN ≤ MAX");
        return (max, min);
    }

    /// <summary>An IANA zone the system knows; checked here so a typo stops the process before it runs.</summary>
    private static string KnownTimeZone(string name)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(name);
            return name;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"--timezone {name}: not a known time zone (IANA, e.g. Europe/Berlin or UTC)");
        }
    }

    public const string Usage =
        "usage: InteropWorker [--broker URL] [--backend URL|disabled] [--queues a,b] [--concurrency N] " +
        "[--autoscale MAX,MIN] [--prefetch-multiplier N] [--hostname NAME] [--events] [--acks-late] [--visibility-timeout SECONDS] [--queue-max-priority N] [--no-confirm-publish] " +
        "[--beat|--beat-only] [--schedule FILE] [--beat-state PATH] [--timezone NAME] [--trace]";
}
