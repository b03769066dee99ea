using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A redis-server, a Python Celery prefork worker on <see cref="PythonQueue"/> and a Celeriac
/// InteropWorker on <see cref="CeleriacQueue"/>, each with its node name, for comparing what
/// <c>celery inspect</c>/<c>celery control</c> get from each.
/// </summary>
public sealed class ControlCluster : InteropCluster
{
    public const string PythonQueue = "ctl.py";
    public const string CeleriacQueue = "ctl.cx";

    internal ManagedProcess PythonWorker { get; private set; } = null!;

    internal ManagedProcess CeleriacWorker { get; private set; } = null!;

    /// <summary>The Python worker's node name, as it answers <c>ping</c>.</summary>
    internal string PythonNode { get; private set; } = "";

    /// <summary>The Celeriac worker's node name.</summary>
    internal string CeleriacNode { get; private set; } = "";

    internal CeleryCli Cli => new(Endpoints);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Prerequisites.ShouldStart) return;
        var python = Support.PythonWorker.StartAsync(Endpoints, [PythonQueue]);
        var celeriac = CeleriacWorkerProcess.StartAsync(Endpoints, [CeleriacQueue], "--concurrency", "2");
        try
        {
            PythonWorker = await python;
        }
        finally
        {
            CeleriacWorker = await celeriac;
        }
        CeleriacNode = CeleriacWorker.Name["celeriac worker ".Length..];
        // The Python node's name ends in its host name (%h): ask the cluster who is there.
        var (_, json, output) = await Cli.RunAsync("inspect", "ping", "--json", "-t", "5");
        PythonNode = (json as JsonObject)?.Select(kv => kv.Key).FirstOrDefault(n => n.StartsWith("py-", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the Python worker did not answer ping:\n" + output);
    }

    public override async Task DisposeAsync()
    {
        if (PythonWorker is not null) await PythonWorker.DisposeAsync();
        if (CeleriacWorker is not null) await CeleriacWorker.DisposeAsync();
        await base.DisposeAsync();
    }
}
