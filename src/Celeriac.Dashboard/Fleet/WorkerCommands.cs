using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// The worker actions' commands, checked before anything is sent: each returns the command or throws
/// <see cref="ArgumentException"/> with the sentence the API answers 400 with. Shared by our endpoints and Flower's.
/// </summary>
internal static class WorkerCommands
{
    public static WorkerCommand PoolGrow(int? n) => new("pool_grow", new JsonObject { ["n"] = Positive(n ?? 1, "n") });

    public static WorkerCommand PoolShrink(int? n) => new("pool_shrink", new JsonObject { ["n"] = Positive(n ?? 1, "n") });

    public static WorkerCommand Autoscale(int? max, int? min)
    {
        if (max is not { } high || min is not { } low) throw new ArgumentException("autoscale needs max and min");
        if (low < 0 || high < 1 || low > high) throw new ArgumentException($"autoscale needs 0 <= min <= max and max >= 1, not min={low}, max={high}");
        return new("autoscale", new JsonObject { ["max"] = high, ["min"] = low });
    }

    public static WorkerCommand AddConsumer(string? queue) => new("add_consumer", new JsonObject { ["queue"] = Required(queue, "queue") });

    public static WorkerCommand CancelConsumer(string? queue) => new("cancel_consumer", new JsonObject { ["queue"] = Required(queue, "queue") });

    public static WorkerCommand RateLimit(string? task, string? rate) =>
        new("rate_limit", new JsonObject { ["task_name"] = Required(task, "task"), ["rate_limit"] = Required(rate, "rate") });

    public static WorkerCommand TimeLimit(string? task, double? soft, double? hard)
    {
        if (soft is < 0 || hard is < 0 || soft is { } s && !double.IsFinite(s) || hard is { } h && !double.IsFinite(h))
            throw new ArgumentException("soft and hard must be numbers of seconds >= 0");
        return new("time_limit", new JsonObject { ["task_name"] = Required(task, "task"), ["soft"] = soft, ["hard"] = hard });
    }

    public static WorkerCommand Shutdown() => new("shutdown", [], Replies: false);

    private static int Positive(int n, string name) => n >= 1 ? n : throw new ArgumentException($"{name} must be a whole number >= 1, not {n}");

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{name} is required") : value.Trim();
}
