namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// <see cref="ControlCluster"/> on RabbitMQ: a virtual host of its own with a Python Celery prefork worker
/// and a Celeriac InteropWorker (<c>--broker amqp://…</c> through the environment) on
/// <see cref="ControlWorkers"/>' queues, Redis for results. Remote control runs over
/// <c>celery.pidbox</c> / <c>reply.celery.pidbox</c> (docs/protocol.md §3.7).
/// </summary>
public sealed class AmqpControlCluster : AmqpInteropCluster
{
    private ControlWorkers? _workers;

    internal ControlWorkers Workers => _workers ?? throw new InvalidOperationException(
        "the workers were not started: " + (AmqpPrerequisites.SkipReason() ?? "see the fixture error"));

    internal CeleryCli Cli => new(Endpoints);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!AmqpPrerequisites.ShouldStart) return;
        _workers = await ControlWorkers.StartAsync(Endpoints);
    }

    public override async Task DisposeAsync()
    {
        if (_workers is not null) await _workers.DisposeAsync();
        await base.DisposeAsync();
    }
}
