namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A redis-server with a Python Celery prefork worker on <see cref="PythonQueue"/> and a Celeriac
/// InteropWorker on <see cref="CeleriacQueue"/> (<see cref="ControlWorkers"/>), for comparing what
/// <c>celery inspect</c>/<c>celery control</c> get from each. <see cref="AmqpControlCluster"/> is the same on RabbitMQ.
/// </summary>
public sealed class ControlCluster : InteropCluster
{
    public const string PythonQueue = ControlWorkers.PythonQueue;
    public const string CeleriacQueue = ControlWorkers.CeleriacQueue;

    private ControlWorkers? _workers;

    internal ControlWorkers Workers => _workers ?? throw new InvalidOperationException("the workers were not started");

    internal ManagedProcess PythonWorker => Workers.PythonWorker;

    internal ManagedProcess CeleriacWorker => Workers.CeleriacWorker;

    /// <summary>The Python worker's node name, as it answers <c>ping</c>.</summary>
    internal string PythonNode => Workers.PythonNode;

    /// <summary>The Celeriac worker's node name.</summary>
    internal string CeleriacNode => Workers.CeleriacNode;

    internal CeleryCli Cli => new(Endpoints);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Prerequisites.ShouldStart) return;
        _workers = await ControlWorkers.StartAsync(Endpoints);
    }

    public override async Task DisposeAsync()
    {
        if (_workers is not null) await _workers.DisposeAsync();
        await base.DisposeAsync();
    }
}
