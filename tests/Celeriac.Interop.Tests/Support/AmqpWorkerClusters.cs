namespace Celeriac.Interop.Tests.Support;

/// <summary>RabbitMQ + Redis and one Celeriac InteropWorker process on <see cref="Queue"/> and <see cref="OtherQueue"/>.</summary>
public sealed class AmqpCeleriacWorkerCluster : AmqpInteropCluster
{
    public const string Queue = "p2c";
    public const string OtherQueue = "p2c.other";

    internal ManagedProcess Worker { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!AmqpPrerequisites.ShouldStart) return;
        Worker = await CeleriacWorkerProcess.StartAsync(Endpoints, [Queue, OtherQueue], "--concurrency", "4");
    }

    public override async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>RabbitMQ + Redis and one Python Celery prefork worker on <see cref="Queue"/> and <see cref="OtherQueue"/>.</summary>
public sealed class AmqpPythonWorkerCluster : AmqpInteropCluster
{
    public const string Queue = "c2p";
    public const string OtherQueue = "c2p.other";

    internal ManagedProcess Worker { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!AmqpPrerequisites.ShouldStart) return;
        Worker = await PythonWorker.StartAsync(Endpoints, [Queue, OtherQueue]);
    }

    public override async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>RabbitMQ + Redis, a Python worker on <see cref="PythonQueue"/> and a Celeriac worker on <see cref="CeleriacQueue"/>.</summary>
public sealed class AmqpBothWorkersCluster : AmqpInteropCluster
{
    public const string PythonQueue = "both.py";
    public const string CeleriacQueue = "both.cx";

    internal ManagedProcess PythonWorker { get; private set; } = null!;

    internal ManagedProcess CeleriacWorker { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!AmqpPrerequisites.ShouldStart) return;
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
    }

    public override async Task DisposeAsync()
    {
        if (PythonWorker is not null) await PythonWorker.DisposeAsync();
        if (CeleriacWorker is not null) await CeleriacWorker.DisposeAsync();
        await base.DisposeAsync();
    }
}
