using System.Globalization;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// Where a worker connects: the broker, the result backend, and the Redis for <c>interop.record</c>;
/// <paramref name="Settings"/>: more environment both sides read (e.g. <c>INTEROP_QUEUE_MAX_PRIORITY</c>).
/// </summary>
internal sealed record Endpoints(string BrokerUrl, string BackendUrl, string RecordUrl, IReadOnlyDictionary<string, string?>? Settings = null)
{
    public IReadOnlyDictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["CELERY_BROKER_URL"] = BrokerUrl,
            ["CELERY_RESULT_BACKEND"] = BackendUrl,
            ["INTEROP_REDIS_URL"] = RecordUrl,
        };
        foreach (var (key, value) in Settings ?? new Dictionary<string, string?>()) env[key] = value;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) env[key] = value;
        return env;
    }
}

/// <summary>
/// Python Celery 5.2's prefork worker with the contract's tasks (<c>python/interop_tasks.py</c>):
/// <c>python3 -m celery -A interop_tasks worker -P prefork -c 2 -Q queues -n py-…@%h</c>, with <c>-E</c> when asked for events.
/// </summary>
internal static class PythonWorker
{
    public static async Task<ManagedProcess> StartAsync(Endpoints endpoints, IEnumerable<string> queues, int concurrency = 2,
        double? visibilityTimeout = null, bool acksLate = false, bool events = false)
    {
        var node = $"py-{Guid.NewGuid():N}"[..11];
        var env = new Dictionary<string, string?>
        {
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONUNBUFFERED"] = "1",
            ["INTEROP_VISIBILITY_TIMEOUT"] = visibilityTimeout?.ToString(CultureInfo.InvariantCulture),
            ["INTEROP_ACKS_LATE"] = acksLate ? "1" : null,
        };
        var worker = ManagedProcess.Start($"python worker {node}", Prerequisites.Python,
            ["-m", "celery", "-A", "interop_tasks", "worker", "-P", "prefork", "-c", concurrency.ToString(CultureInfo.InvariantCulture),
             "-Q", string.Join(",", queues), "-n", node + "@%h", "--without-mingle", "--without-gossip",
             // -E: task events; worker events (and their heartbeats) need the heart left on.
             .. (events ? (string[])["-E"] : ["--without-heartbeat"]), "-l", "info"],
            Prerequisites.PythonDirectory, endpoints.Environment(env),
            line => line.Contains($"{node}@", StringComparison.Ordinal) && line.Contains(" ready.", StringComparison.Ordinal));
        try
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The Celeriac InteropWorker sample as a process (<c>dotnet InteropWorker.dll …</c>), per docs/interop.md.</summary>
internal static class CeleriacWorkerProcess
{
    public static async Task<ManagedProcess> StartAsync(Endpoints endpoints, IEnumerable<string> queues, params string[] options)
    {
        var node = $"celeriac-{Guid.NewGuid():N}"[..17] + "@test";
        var worker = ManagedProcess.Start($"celeriac worker {node}", "dotnet",
            [Prerequisites.InteropWorkerDll, "--queues", string.Join(",", queues), "--hostname", node, .. options],
            Prerequisites.PythonDirectory, endpoints.Environment(new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1" }),
            line => line.Contains("ready", StringComparison.Ordinal));
        try
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }
}
