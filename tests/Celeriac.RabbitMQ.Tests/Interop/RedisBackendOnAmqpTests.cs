using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.RabbitMQ.Tests.Interop;

/// <summary>
/// The usual production pair: RabbitMQ as broker, Redis as result backend. A Celeriac worker on
/// amqp:// with redis:// results runs chords sent by a Celeriac client and by a Python Celery
/// 5.2.6 client (the Redis backend's native chord join, header and body across the language line).
/// </summary>
public sealed class RedisBackendOnAmqpTests(RabbitMqFixture rabbit, RedisServerFixture redis)
    : IClassFixture<RabbitMqFixture>, IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private const string PythonClient = """
        import json, sys
        from celery import Celery, chord, group
        app = Celery('client', broker=sys.argv[1], backend=sys.argv[2])
        header = [app.signature('amqp.add', args=(i, i)) for i in range(10)]
        r = chord(header)(app.signature('amqp.tsum'))
        g = group(app.signature('amqp.add', args=(i, 1)) for i in range(5)).apply_async()
        print(json.dumps({'chord': r.get(timeout=30), 'group': g.get(timeout=30)}))
        """;

    private CeleriacApp App() => CeleriacApp.Create(o =>
    {
        o.BrokerUrl = rabbit.Url;
        o.ResultBackend = redis.Server.Url(3);
        o.UseRabbitMq().UseRedis();
    });

    [RabbitMqFact]
    public async Task A_celeriac_worker_on_amqp_with_redis_results_runs_chords_from_celeriac_and_python_clients()
    {
        Assert.Null(PythonCelery.SkipReason());
        await using var app = App();
        var add = app.Task("amqp.add", (int x, int y) => x + y);
        var tsum = app.Task("amqp.tsum", (int[] xs) => xs.Sum());
        await using var worker = app.CreateWorker(w => w.Concurrency = 4);
        await worker.StartAsync();

        var mine = await new Chord(Enumerable.Range(0, 20).Select(i => add.S(i, i)), tsum.S()).ApplyAsync();
        (await mine.GetAsync(Within))!.GetValue<int>().Should().Be(Enumerable.Range(0, 20).Sum(i => 2 * i));

        await using var python = PythonCelery.With(new Dictionary<string, string> { ["client.py"] = PythonClient });
        var output = await python.RunAsync("client.py", Within, rabbit.Url, redis.Server.Url(3));
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        result["chord"]!.GetValue<int>().Should().Be(Enumerable.Range(0, 10).Sum(i => 2 * i));
        result["group"]!.AsArray().Select(n => n!.GetValue<int>()).Should().Equal(1, 2, 3, 4, 5);
    }
}
