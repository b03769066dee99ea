using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Redis.Client;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Worker;

/// <summary>
/// A worker's events on a real Redis, as a Python monitor's PSUBSCRIBE sees them (docs/protocol.md §2.6, §6.1):
/// PUBLISHed on <c>/0.celeryev/&lt;routing key&gt;</c> in kombu's envelope, worker events one per
/// message and task events in <c>task.multi</c> arrays.
/// </summary>
public sealed class RedisEventTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [RedisFact]
    public async Task Worker_and_task_events_are_published_on_the_celeryev_channels_in_kombus_envelope()
    {
        var queue = $"events-{Guid.NewGuid():N}";
        var node = $"celeriac-{Guid.NewGuid():N}@redis";
        await using var subscriber = new RedisSubscriber(redis.Server.Options(0));
        await subscriber.ConnectAsync();
        await subscriber.PatternSubscribeAsync(["/0.celeryev/*"]);
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = redis.Server.Url(0);
            o.ResultBackend = redis.Server.Url(1);
            o.DefaultQueue = queue;
            o.WorkerSendTaskEvents = true;
            o.UseRedis();
        });
        var add = app.Task("tasks.add", (int a, int b) => a + b);
        await using var worker = app.CreateWorker(w => { w.Hostname = node; w.HeartbeatInterval = TimeSpan.FromSeconds(0.5); });
        await worker.StartAsync();
        var r = await add.DelayAsync(2, 3);
        (await r.GetAsync<int>(timeout: Wait)).Should().Be(5);

        var seen = new List<(string Channel, JsonObject Envelope, JsonNode Body)>();
        using var patience = new CancellationTokenSource(Wait);
        async Task ReadUntilAsync(string routingKey)
        {
            while (!seen.Any(s => s.Channel.EndsWith("/" + routingKey, StringComparison.Ordinal)))
            {
                var m = await subscriber.Messages.ReadAsync(patience.Token);
                var envelope = JsonNode.Parse(m.Payload.Span)!.AsObject();
                if (envelope["headers"]?["hostname"]?.GetValue<string>() != node) continue;
                var body = JsonNode.Parse(Convert.FromBase64String(envelope["body"]!.GetValue<string>()))!;
                seen.Add((m.Channel, envelope, body));
            }
        }
        await ReadUntilAsync("worker.heartbeat");
        await worker.StopAsync();
        await ReadUntilAsync("worker.offline");

        var channels = seen.Select(s => s.Channel).ToList();
        channels.First().Should().Be("/0.celeryev/worker.online");
        channels.Should().Contain("/0.celeryev/worker.heartbeat").And.Contain("/0.celeryev/task.multi");
        channels.Last().Should().Be("/0.celeryev/worker.offline");
        foreach (var (channel, envelope, body) in seen)
        {
            envelope["content-type"]!.GetValue<string>().Should().Be("application/json");
            envelope["content-encoding"]!.GetValue<string>().Should().Be("utf-8");
            var props = envelope["properties"]!.AsObject();
            props["delivery_mode"]!.GetValue<int>().Should().Be(1);
            props["delivery_info"]!["exchange"]!.GetValue<string>().Should().Be("celeryev");
            props["delivery_info"]!["routing_key"]!.GetValue<string>().Should().Be(channel["/0.celeryev/".Length..]);
            props.ContainsKey("correlation_id").Should().BeFalse();
            props.ContainsKey("reply_to").Should().BeFalse();
            (body is JsonArray).Should().Be(channel.EndsWith("/task.multi", StringComparison.Ordinal));
        }
        var taskEvents = seen.Where(s => s.Body is JsonArray).SelectMany(s => s.Body.AsArray()).Where(e => (string?)e!["uuid"] == r.Id).ToList();
        taskEvents.Select(e => (string?)e!["type"]).Should().Equal("task-received", "task-started", "task-succeeded");
        taskEvents[2]!["result"]!.GetValue<string>().Should().Be("5");
    }
}
