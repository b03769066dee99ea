using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A Python Celery prefork worker on <see cref="PythonQueue"/> and a Celeriac InteropWorker on
/// <see cref="CeleriacQueue"/>, started together on one broker (Redis or AMQP, whatever
/// <see cref="Endpoints.BrokerUrl"/> says), each with its node name, for comparing what
/// <c>celery inspect</c>/<c>celery control</c> get from each.
/// </summary>
internal sealed class ControlWorkers : IAsyncDisposable
{
    public const string PythonQueue = "ctl.py";
    public const string CeleriacQueue = "ctl.cx";

    private ControlWorkers(ManagedProcess python, ManagedProcess celeriac, string pythonNode, string celeriacNode)
    {
        PythonWorker = python;
        CeleriacWorker = celeriac;
        PythonNode = pythonNode;
        CeleriacNode = celeriacNode;
    }

    public ManagedProcess PythonWorker { get; }

    public ManagedProcess CeleriacWorker { get; }

    /// <summary>The Python worker's node name, as it answers <c>ping</c>.</summary>
    public string PythonNode { get; }

    /// <summary>The Celeriac worker's node name.</summary>
    public string CeleriacNode { get; }

    /// <summary>Starts both workers at once (<paramref name="celeriacOptions"/>: more InteropWorker options) and learns the Python node's name.</summary>
    public static async Task<ControlWorkers> StartAsync(Endpoints endpoints, params string[] celeriacOptions)
    {
        var python = Support.PythonWorker.StartAsync(endpoints, [PythonQueue]);
        var celeriac = CeleriacWorkerProcess.StartAsync(endpoints, [CeleriacQueue], ["--concurrency", "2", .. celeriacOptions]);
        ManagedProcess? pythonWorker = null, celeriacWorker = null;
        try
        {
            try
            {
                pythonWorker = await python;
            }
            finally
            {
                celeriacWorker = await celeriac;
            }
            // The Python node's name ends in its host name (%h): ask the cluster who is there.
            var (_, json, output) = await new CeleryCli(endpoints).RunAsync("inspect", "ping", "--json", "-t", "5");
            var pythonNode = (json as JsonObject)?.Select(kv => kv.Key).FirstOrDefault(n => n.StartsWith("py-", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("the Python worker did not answer ping:\n" + output);
            return new ControlWorkers(pythonWorker, celeriacWorker, pythonNode, NodeOf(celeriacWorker));
        }
        catch
        {
            if (pythonWorker is not null) await pythonWorker.DisposeAsync();
            if (celeriacWorker is not null) await celeriacWorker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node name of a worker started by <see cref="CeleriacWorkerProcess"/>.</summary>
    public static string NodeOf(ManagedProcess celeriacWorker) => celeriacWorker.Name["celeriac worker ".Length..];

    public async ValueTask DisposeAsync()
    {
        await PythonWorker.DisposeAsync();
        await CeleriacWorker.DisposeAsync();
    }
}
