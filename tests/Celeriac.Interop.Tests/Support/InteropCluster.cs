using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// One redis-server for the tests of a class (broker in db 0, results in db 1, interop.record
/// lists in db 2), a raw connection to each db for looking at keys, and a Celeriac client app.
/// Tests keep apart by queue names of their own. Starts nothing outside CI when a prerequisite
/// is missing (the tests skip themselves); in CI a missing one fails every test of the class.
/// </summary>
public class InteropCluster : IAsyncLifetime
{
    private RedisServer? _server;
    private RawRedis? _broker;
    private RawRedis? _results;
    private RawRedis? _records;
    private CeleriacApp? _client;

    internal virtual Endpoints Endpoints => new(Server.Url(0), Server.Url(1), Server.Url(2));

    internal RedisServer Server => _server ?? throw new InvalidOperationException("redis-server was not started: " + (Prerequisites.SkipReason() ?? "see the fixture error"));

    /// <summary>Raw connection to the broker's database.</summary>
    internal RawRedis Broker => _broker!;

    /// <summary>Raw connection to the result backend's database.</summary>
    internal RawRedis Results => _results!;

    /// <summary>Raw connection to the database interop.record appends to.</summary>
    internal RawRedis Records => _records!;

    /// <summary>A Celeriac client (no worker) on this server.</summary>
    internal CeleriacApp Client => _client!;

    internal PythonClient PythonClient => new(Endpoints);

    /// <summary>Messages waiting in <paramref name="queue"/>, over all of kombu's priority lists.</summary>
    internal async Task<long> QueueLengthAsync(string queue)
    {
        long total = 0;
        // kombu's separator is the two bytes 0x06 0x16 (C#'s \x takes up to four hex digits: spell it out).
        const string sep = "\u0006\u0016";
        foreach (var key in new[] { queue, queue + sep + "3", queue + sep + "6", queue + sep + "9" })
            total += await Broker.IntegerAsync("LLEN", key);
        return total;
    }

    /// <summary>
    /// Task ids of the messages from <paramref name="queue"/> that a worker took and has not acked
    /// (kombu's <c>unacked</c> hash: delivery tag → <c>[envelope, exchange, routing_key]</c>).
    /// </summary>
    internal async Task<IReadOnlyList<string>> UnackedTaskIdsAsync(string queue)
    {
        var ids = new List<string>();
        foreach (var value in await Broker.ListAsync("HVALS", "unacked"))
        {
            var entry = System.Text.Json.Nodes.JsonNode.Parse(value)!.AsArray();
            if (entry[2]?.GetValue<string>() != queue) continue;
            var envelope = entry[0]!;
            ids.Add(envelope["headers"]?["id"]?.GetValue<string>() ?? "<no id>");
        }
        return ids;
    }

    /// <summary>The stored status of each task (null: nothing stored yet), in one MGET.</summary>
    internal async Task<IReadOnlyList<string?>> StatusesAsync(IReadOnlyList<string> ids)
    {
        if (ids.Count == 0) return [];
        var values = (object?[])(await Results.CommandAsync(["MGET", .. ids.Select(id => "celery-task-meta-" + id)]))!;
        return values.Select(v => v is string json ? System.Text.Json.Nodes.JsonNode.Parse(json)!["status"]!.GetValue<string>() : null).ToList();
    }

    /// <summary>Waits until every task has stored SUCCESS; fails with the states and <paramref name="context"/>.</summary>
    internal async Task WaitAllSucceededAsync(IReadOnlyList<string> ids, TimeSpan within, Func<string> context)
    {
        IReadOnlyList<string?> statuses = [];
        await Poll.UntilAsync(async () => (statuses = await StatusesAsync(ids)).All(s => s == "SUCCESS"), within,
            () => $"{statuses.Count(s => s == "SUCCESS")} of {ids.Count} tasks succeeded; states: " +
                  string.Join(", ", statuses.GroupBy(s => s ?? "nothing stored").Select(g => $"{g.Key} x{g.Count()}")) + "\n" + context());
    }

    public virtual async Task InitializeAsync()
    {
        if (!Prerequisites.ShouldStart) return;
        Prerequisites.Require();
        _server = await RedisServer.StartAsync();
        _broker = await RawRedis.ConnectAsync(_server.Port, 0);
        _results = await RawRedis.ConnectAsync(_server.Port, 1);
        _records = await RawRedis.ConnectAsync(_server.Port, 2);
        var endpoints = Endpoints;
        _client = CeleriacApp.Create(o =>
        {
            o.UseRedis().UseRabbitMq();
            o.BrokerUrl = endpoints.BrokerUrl;
            o.ResultBackend = endpoints.BackendUrl;
            ConfigureClient(o);
        });
    }

    /// <summary>More client options of a derived cluster (e.g. the queues' max priority on RabbitMQ).</summary>
    private protected virtual void ConfigureClient(CeleriacOptions options)
    {
    }

    public virtual async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        foreach (var raw in new[] { _broker, _results, _records }) if (raw is not null) await raw.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
