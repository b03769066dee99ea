using System.Globalization;
using Celeriac.RabbitMQ.Tests.Infrastructure;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// RabbitMQ as the broker (a fresh virtual host on the test process's shared rabbitmq-server, or a
/// private server for tests that stop it) and a redis-server for results (db 1) and
/// <c>interop.record</c> lists (db 2), as the usual production pair. Every queue is declared with
/// <c>x-max-priority</c> <see cref="MaxPriority"/>: the Python client, the Python worker
/// (<c>INTEROP_QUEUE_MAX_PRIORITY</c>), the Celeriac worker and the Celeriac client all set
/// <c>task_queue_max_priority</c>, as a real mixed fleet must.
/// </summary>
public class AmqpInteropCluster : InteropCluster
{
    /// <summary>The queues' <c>x-max-priority</c> on every side.</summary>
    public const int MaxPriority = 10;

    private RabbitMqServer? _rabbit;

    internal RabbitMqServer Rabbit => _rabbit ?? throw new InvalidOperationException("rabbitmq-server was not started");

    internal string VirtualHost { get; private set; } = "/";

    internal override Endpoints Endpoints => new(Rabbit.Url(VirtualHost), Server.Url(1), Server.Url(2),
        new Dictionary<string, string?> { ["INTEROP_QUEUE_MAX_PRIORITY"] = MaxPriority.ToString(CultureInfo.InvariantCulture) });

    /// <summary>Raw AMQP from Python (py-amqp, <c>python/amqp_raw.py</c>).</summary>
    internal AmqpRaw Raw => new(Endpoints);

    /// <summary>True for a cluster that owns its rabbitmq-server (may stop and restart it).</summary>
    protected virtual bool PrivateBroker => false;

    /// <summary>The messages ready and delivered-but-unacked in <paramref name="queue"/> (0, 0 when it does not exist).</summary>
    internal async Task<(long Ready, long Unacked)> QueueCountsAsync(string queue)
    {
        var row = (await Rabbit.ListAsync("queues", VirtualHost, "name", "messages_ready", "messages_unacknowledged"))
            .FirstOrDefault(r => r[0] == queue);
        return row is null ? (0, 0) : (long.Parse(row[1], CultureInfo.InvariantCulture), long.Parse(row[2], CultureInfo.InvariantCulture));
    }

    /// <summary>What the broker says about <paramref name="queue"/> and the exchange of that name: the rows of list_queues/list_exchanges, for comparing declarations.</summary>
    internal async Task<string> DeclarationsAsync(string virtualHost, string queue)
    {
        var queues = await Rabbit.ListAsync("queues", virtualHost, "name", "durable", "auto_delete", "exclusive", "arguments");
        var exchanges = await Rabbit.ListAsync("exchanges", virtualHost, "name", "type", "durable", "auto_delete", "internal", "arguments");
        var bindings = await Rabbit.ListAsync("bindings", virtualHost, "source_name", "destination_name", "routing_key", "arguments");
        return string.Join("\n", queues.Where(r => r[0] == queue).Select(r => "queue " + string.Join(' ', r))
            .Concat(exchanges.Where(r => r[0] == queue).Select(r => "exchange " + string.Join(' ', r)))
            .Concat(bindings.Where(r => r[1] == queue).Select(r => "binding " + string.Join(' ', r))));
    }

    /// <summary>A fresh virtual host on this cluster's server (for tests that need an empty one).</summary>
    internal Task<string> NewVirtualHostAsync() => Rabbit.CreateVirtualHostAsync("interop");

    /// <summary>This cluster's endpoints with another virtual host.</summary>
    internal Endpoints EndpointsFor(string virtualHost) => Endpoints with { BrokerUrl = Rabbit.Url(virtualHost) };

    private protected override void ConfigureClient(CeleriacOptions options) => options.TaskQueueMaxPriority = MaxPriority;

    public override async Task InitializeAsync()
    {
        if (!AmqpPrerequisites.ShouldStart) return;
        Prerequisites.Require();
        _rabbit = PrivateBroker ? await RabbitMqServer.StartAsync() : await RabbitMqServer.SharedAsync();
        VirtualHost = await Rabbit.CreateVirtualHostAsync("interop");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (PrivateBroker && _rabbit is not null) await _rabbit.DisposeAsync();
    }
}

/// <summary>An <see cref="AmqpInteropCluster"/> with a rabbitmq-server of its own, for tests that stop and restart the broker.</summary>
public sealed class PrivateAmqpInteropCluster : AmqpInteropCluster
{
    protected override bool PrivateBroker => true;
}

/// <summary>The interop prerequisites plus rabbitmq-server (skipped outside CI when missing, failing in CI).</summary>
internal static class AmqpPrerequisites
{
    public static string? SkipReason() => Prerequisites.SkipReason() ?? RabbitMqServer.SkipReason();

    public static bool ShouldStart => SkipReason() is null;
}

/// <summary>A test against real Python Celery, redis-server and rabbitmq-server.</summary>
public sealed class AmqpInteropFactAttribute : FactAttribute
{
    public AmqpInteropFactAttribute()
    {
        if (AmqpPrerequisites.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>The theory form of <see cref="AmqpInteropFactAttribute"/>.</summary>
public sealed class AmqpInteropTheoryAttribute : TheoryAttribute
{
    public AmqpInteropTheoryAttribute()
    {
        if (AmqpPrerequisites.SkipReason() is { } reason) Skip = reason;
    }
}
