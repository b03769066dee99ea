using System.Globalization;
using Celeriac.Redis.Layout;

namespace Celeriac.Redis.Transport;

/// <summary>
/// The <c>broker_transport_options</c> kombu's Redis transport reads (docs/protocol.md §2.8), parsed from the
/// app's string dictionary. Unknown options are ignored, as kombu ignores them; a known option
/// with a bad value fails with an <see cref="ArgumentException"/> that names it, before anything
/// connects.
/// </summary>
internal sealed record RedisTransportOptions
{
    /// <summary>Seconds before an unacked delivery is restored by a sweep (<c>visibility_timeout</c>).</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>Priority steps (<c>priority_steps</c>), default 0, 3, 6, 9.</summary>
    public IReadOnlyList<int> PrioritySteps { get; init; } = [0, 3, 6, 9];

    /// <summary>Separator of priority list keys and binding members (<c>sep</c>).</summary>
    public string Separator { get; init; } = RedisLayout.DefaultSeparator;

    /// <summary>Order in which a consumer pops its queues (<c>queue_order_strategy</c>).</summary>
    public QueueOrderStrategy QueueOrder { get; init; } = QueueOrderStrategy.RoundRobin;

    /// <summary>Prepended to every key and channel (<c>global_keyprefix</c>).</summary>
    public string GlobalKeyPrefix { get; init; } = "";

    /// <summary>Name of the ack-emulation hash (<c>unacked_key</c>).</summary>
    public string UnackedKey { get; init; } = "unacked";

    /// <summary>Name of the ack-emulation index (<c>unacked_index_key</c>).</summary>
    public string UnackedIndexKey { get; init; } = "unacked_index";

    /// <summary>Name of the sweep lock (<c>unacked_mutex_key</c>).</summary>
    public string UnackedMutexKey { get; init; } = "unacked_mutex";

    /// <summary>Lifetime of the sweep lock (<c>unacked_mutex_expire</c>), default 300 s.</summary>
    public TimeSpan UnackedMutexExpire { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Most entries one sweep restores (<c>unacked_restore_limit</c>); null: all that timed out.</summary>
    public int? UnackedRestoreLimit { get; init; }

    /// <summary>Keep the <c>unacked</c> bookkeeping (<c>ack_emulation</c>); off, a crash loses what was delivered.</summary>
    public bool AckEmulation { get; init; } = true;

    /// <summary>
    /// Queue for unroutable messages and rejected ones, malformed or refused by the worker or the task
    /// (<c>deadletter_queue</c>, ours: kombu has none); rejected ones carry the reason and their queue
    /// in the <c>x-celeriac-dead-letter-reason</c> and <c>x-celeriac-dead-letter-queue</c> headers. Null: dropped.
    /// </summary>
    public string? DeadLetterQueue { get; init; }

    /// <summary>
    /// How often a consumer sweeps for timed-out deliveries: half the visibility timeout, at most a
    /// minute, so a dead worker's messages come back well within one timeout (kombu: about every 100 s).
    /// </summary>
    public TimeSpan SweepInterval =>
        TimeSpan.FromTicks(Math.Clamp(VisibilityTimeout.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(60).Ticks));

    /// <summary>The key layout for a database with these options.</summary>
    public RedisLayout CreateLayout(int database) =>
        new(database, GlobalKeyPrefix, separator: Separator, prioritySteps: PrioritySteps,
            unackedKey: UnackedKey, unackedIndexKey: UnackedIndexKey, unackedMutexKey: UnackedMutexKey);

    /// <summary>Reads the options kombu knows from <paramref name="values"/> (keys as Celery users write them).</summary>
    public static RedisTransportOptions Parse(IDictionary<string, string>? values)
    {
        var options = new RedisTransportOptions();
        if (values is null) return options;
        foreach (var (name, raw) in values)
        {
            var value = raw?.Trim() ?? "";
            options = name switch
            {
                "visibility_timeout" => options with { VisibilityTimeout = Seconds(name, value) },
                "priority_steps" => options with { PrioritySteps = Steps(name, value) },
                "sep" => options with { Separator = raw is { Length: > 0 } ? raw : throw Invalid(name, raw, "a non-empty string") },
                "queue_order_strategy" => options with { QueueOrder = Strategy(name, value) },
                "global_keyprefix" => options with { GlobalKeyPrefix = raw ?? "" },
                "unacked_key" => options with { UnackedKey = KeyName(name, raw) },
                "unacked_index_key" => options with { UnackedIndexKey = KeyName(name, raw) },
                "unacked_mutex_key" => options with { UnackedMutexKey = KeyName(name, raw) },
                "unacked_mutex_expire" => options with { UnackedMutexExpire = Seconds(name, value) },
                "unacked_restore_limit" => options with { UnackedRestoreLimit = Limit(name, value) },
                "ack_emulation" => options with { AckEmulation = Bool(name, value) },
                "deadletter_queue" => options with { DeadLetterQueue = value.Length == 0 || IsNone(value) ? null : value },
                _ => options, // connection tuning and options of other transports: not ours to judge
            };
        }
        return options;
    }

    private static TimeSpan Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < 1e9
            ? TimeSpan.FromSeconds(seconds)
            : throw Invalid(name, value, "a positive number of seconds");

    private static List<int> Steps(string name, string value)
    {
        // Python users write a list ("[0, 3, 6, 9]"); environment variables tend to be "0,3,6,9".
        var inner = value.StartsWith('[') && value.EndsWith(']') ? value[1..^1] : value;
        var steps = new List<int>();
        foreach (var part in inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step > 255)
                throw Invalid(name, value, "a list of integers 0–255 such as [0, 3, 6, 9]");
            steps.Add(step);
        }
        return steps.Count > 0 ? steps.Distinct().Order().ToList() : throw Invalid(name, value, "a non-empty list of integers such as [0, 3, 6, 9]");
    }

    private static QueueOrderStrategy Strategy(string name, string value) => value.ToLowerInvariant() switch
    {
        "round_robin" => QueueOrderStrategy.RoundRobin,
        "sorted" => QueueOrderStrategy.Sorted,
        "priority" => QueueOrderStrategy.Priority,
        _ => throw Invalid(name, value, "round_robin, sorted or priority"),
    };

    private static string KeyName(string name, string? raw) => raw is { Length: > 0 } ? raw : throw Invalid(name, raw, "a non-empty key name");

    private static int? Limit(string name, string value)
    {
        if (value.Length == 0 || IsNone(value)) return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit == 0 ? null : limit
            : throw Invalid(name, value, "a positive integer or None");
    }

    private static bool Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw Invalid(name, value, "true or false"),
    };

    private static bool IsNone(string value) => value.Equals("none", StringComparison.OrdinalIgnoreCase) || value.Equals("null", StringComparison.OrdinalIgnoreCase);

    private static ArgumentException Invalid(string name, string? value, string expected) =>
        new($"broker_transport_options['{name}'] must be {expected}, not '{value}'.", name);
}
