using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;

namespace Celeriac.Redis.Tests.Worker;

/// <summary>
/// The opt-in dead-letter list on Redis (<c>deadletter_queue</c>; kombu has none) with a real worker: a
/// poison message — a body that is not JSON, and a task that rejects itself — lands there readable,
/// the kombu envelope intact plus the reason and the queue in its headers, and the worker goes on.
/// </summary>
public sealed class DeadLetterWorkerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = TestTransports.NewPrefix();
    private readonly string _queue = $"dl-{Guid.NewGuid():N}";

    [RedisFact]
    public async Task Malformed_and_rejected_messages_land_in_the_dead_letter_list_with_the_reason_and_the_worker_goes_on()
    {
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = redis.Server.Url(0);
            o.ResultBackend = redis.Server.Url(1);
            o.BrokerTransportOptions["global_keyprefix"] = _prefix;
            o.BrokerTransportOptions["deadletter_queue"] = "dead";
            o.DefaultQueue = _queue;
            o.UseRedis();
        });
        var ok = app.Task("dl.ok", (int x) => x * 2);
        app.Task("dl.poison", (Func<TaskContext, int>)(ctx => throw ctx.Reject(requeue: false, reason: "poison")), t => t.AcksLate = true);
        await using var worker = app.CreateWorker(w => w.Concurrency = 2);
        await worker.StartAsync();
        await using var raw = TestTransports.Client(redis.Server);

        // A well-formed kombu envelope whose body is not JSON: the worker cannot decode it.
        var badId = Guid.NewGuid().ToString();
        var badBody = Convert.ToBase64String(Encoding.UTF8.GetBytes("[[1], {}, {\"callbacks\": nul"));
        var envelope = $$$"""{"body": "{{{badBody}}}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "dl.ok", "id": "{{{badId}}}", "x-custom": "kept"}, "properties": {"correlation_id": "{{{badId}}}", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "{{{_queue}}}"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "{{{Guid.NewGuid()}}}"}}""";
        await raw.RunAsync("LPUSH", _prefix + _queue, envelope);
        var poison = await app.SendTaskAsync("dl.poison");

        var dead = await Eventually.SucceedsAsync(async () =>
        {
            var items = await raw.ListAsync(_prefix + "dead");
            items.Should().HaveCount(2);
            return items.Select(i => (JsonObject)JsonNode.Parse(i)!).ToDictionary(o => o["headers"]!["id"]!.GetValue<string>());
        }, Patience);

        var malformed = dead[badId];
        malformed["body"]!.GetValue<string>().Should().Be(badBody, "the body is kept as it came");
        malformed["headers"]!["x-custom"]!.GetValue<string>().Should().Be("kept");
        malformed["headers"]!["x-celeriac-dead-letter-reason"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        malformed["headers"]!["x-celeriac-dead-letter-queue"]!.GetValue<string>().Should().Be(_queue);
        var refused = dead[poison.Id];
        refused["headers"]!["task"]!.GetValue<string>().Should().Be("dl.poison");
        refused["headers"]!["x-celeriac-dead-letter-reason"]!.GetValue<string>().Should().Contain("rejected");
        refused["headers"]!["x-celeriac-dead-letter-queue"]!.GetValue<string>().Should().Be(_queue);
        (await raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(0, "dead-lettering removes the unacked entry with the message");

        (await (await ok.DelayAsync(21)).GetAsync(Patience))!.Should().Be(42, "the worker is unharmed");
    }
}
