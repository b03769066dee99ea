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
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }
        if (s.Queues.Count == 0) throw new ArgumentException("--queues needs at least one queue");
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

    public const string Usage =
        "usage: InteropWorker [--broker URL] [--backend URL|disabled] [--queues a,b] [--concurrency N] " +
        "[--autoscale MAX,MIN] [--prefetch-multiplier N] [--hostname NAME] [--events] [--acks-late] [--visibility-timeout SECONDS] [--queue-max-priority N] [--no-confirm-publish]";
}
