using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// The <c>stats</c> reply in Celery's shape (vector <c>pidbox_stats</c>): tasks started per name,
/// pid, clock (a string), uptime, the pool (one process, its slots as Celery's
/// <c>max-concurrency</c>), the broker connection (password never shown), the prefetch count and
/// the process's resource usage.
/// </summary>
internal static class StatsReply
{
    public static JsonObject Build(ControlContext context)
    {
        var worker = context.Worker;
        var total = new JsonObject();
        foreach (var (name, count) in context.Requests.Totals()) total[name] = count;
        var uptime = context.App.Options.TimeProvider.GetUtcNow() - context.StartedAt;
        var reply = new JsonObject
        {
            ["total"] = total,
            ["pid"] = Environment.ProcessId,
            ["clock"] = context.App.Clock.Value.ToString(CultureInfo.InvariantCulture),
            ["uptime"] = (long)Math.Round(Math.Max(0, uptime.TotalSeconds)),
            ["pool"] = Pool(context),
            ["broker"] = BrokerInfo.Describe(context.App.Options),
            // Celery's qos value: slots × multiplier, plus one per task held for its ETA (0 = unlimited).
            ["prefetch_count"] = worker.Options.PrefetchMultiplier == 0 ? 0 : (long)worker.Concurrency * worker.Options.PrefetchMultiplier + worker.Scheduled,
            ["rusage"] = ResourceUsage(),
        };
        // Celery's autoscaler step adds its info() only when the worker autoscales (--autoscale).
        if (worker.AutoscalerInfo is { } scaler)
            reply["autoscaler"] = new JsonObject { ["max"] = scaler.Max, ["min"] = scaler.Min, ["current"] = scaler.Current, ["qty"] = scaler.Qty };
        return reply;
    }

    private static JsonObject Pool(ControlContext context)
    {
        var options = context.App.Options;
        var started = context.Requests.Totals().Sum(kv => kv.Value);
        return new JsonObject
        {
            ["max-concurrency"] = context.Worker.Concurrency,
            ["processes"] = new JsonArray(Environment.ProcessId),
            ["max-tasks-per-child"] = "N/A",
            ["put-guarded-by-semaphore"] = false,
            ["timeouts"] = new JsonArray(Seconds(options.TaskSoftTimeLimit), Seconds(options.TaskTimeLimit)),
            // One process runs every slot, so it took all the writes.
            ["writes"] = new JsonObject
            {
                ["total"] = started,
                ["avg"] = started > 0 ? "1.00" : "0.00",
                ["all"] = started > 0 ? "1.00" : "0.00",
                ["raw"] = started.ToString(CultureInfo.InvariantCulture),
                ["strategy"] = "fair",
                ["inqueues"] = new JsonObject { ["total"] = 1, ["active"] = 0 },
            },
        };
    }

    /// <summary>A time limit as Celery reports it: seconds, 0 when there is none.</summary>
    internal static JsonNode Seconds(TimeSpan? limit) =>
        limit is { } t ? (t.TotalSeconds % 1 == 0 ? JsonValue.Create((long)t.TotalSeconds) : CeleryJson.PythonFloat(t.TotalSeconds)) : JsonValue.Create(0);

    /// <summary><c>getrusage(RUSAGE_SELF)</c>'s fields: CPU times and peak memory (KiB) from the process, the rest 0.</summary>
    private static JsonObject ResourceUsage()
    {
        using var process = Process.GetCurrentProcess();
        var usage = new JsonObject
        {
            ["utime"] = CeleryJson.PythonFloat(Math.Round(process.UserProcessorTime.TotalSeconds, 6)),
            ["stime"] = CeleryJson.PythonFloat(Math.Round(process.PrivilegedProcessorTime.TotalSeconds, 6)),
            ["maxrss"] = process.PeakWorkingSet64 / 1024,
        };
        foreach (var field in (string[])["ixrss", "idrss", "isrss", "minflt", "majflt", "nswap", "inblock", "oublock", "msgsnd", "msgrcv", "nsignals", "nvcsw", "nivcsw"])
            usage[field] = 0;
        return usage;
    }
}
