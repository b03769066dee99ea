namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A redis-server and one Python Celery worker started with <c>-E</c> (task events and event
/// heartbeats) on <see cref="Queue"/>, for the .NET control client and event receiver.
/// </summary>
public sealed class PythonEventsWorkerCluster : InteropCluster
{
    public const string Queue = "ctl.py";

    internal ManagedProcess Worker { get; private set; } = null!;

    /// <summary>The worker's node name, as it answers ping.</summary>
    internal string Node { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Prerequisites.ShouldStart) return;
        Worker = await PythonWorker.StartAsync(Endpoints, [Queue], events: true);
        var replies = await Client.Control.Inspect(timeout: TimeSpan.FromSeconds(5)).PingAsync();
        Node = replies.Keys.Single();
    }

    public override async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        await base.DisposeAsync();
    }
}
