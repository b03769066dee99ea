namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// <see cref="PythonEventsWorkerCluster"/> on RabbitMQ: one Python Celery worker started with <c>-E</c>
/// on <see cref="Queue"/> in a virtual host of its own, for the .NET control client and event receiver.
/// </summary>
public sealed class AmqpPythonEventsWorkerCluster : AmqpInteropCluster
{
    public const string Queue = "ctl.py";

    internal ManagedProcess Worker { get; private set; } = null!;

    /// <summary>The worker's node name, as it answers ping.</summary>
    internal string Node { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!AmqpPrerequisites.ShouldStart) return;
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
