using System.Diagnostics;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Control;
using Celeriac.TestSupport;

namespace Celeriac.Tests.Control;

/// <summary>The .NET control client on the in-memory transport against fake mailboxes (docs/protocol.md §7).</summary>
public sealed class ControlClientTests : IAsyncLifetime
{
    private readonly CeleriacApp _app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://{Guid.NewGuid():N}");

    private static JsonNode? Reply(string vector) => GoldenVectors.Load(vector)["reply"]!["body_decoded"]!.AsObject().First().Value?.DeepClone();

    private static JsonObject RequestBody(string vector) => GoldenVectors.Load(vector)["request"]!["body_decoded"]!.AsObject();

    [Fact]
    public async Task Ping_request_has_the_shape_python_sends_and_replies_come_back_per_node()
    {
        await using var worker = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject { ["ok"] = "pong" });

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var replies = await _app.Control.Inspect(["celery@a"]).PingAsync();

        replies.Should().ContainKey("celery@a").WhoseValue.Ok.Should().Be("pong");
        var (request, headers, mode) = worker.Requests.Single();
        var expected = RequestBody("pidbox_ping_from_cli_celery_inspect");
        var body = request.ToJson();
        body.Select(p => p.Key).Should().Equal(expected.Select(p => p.Key), "the same keys in Python's order");
        body["method"]!.GetValue<string>().Should().Be("ping");
        body["arguments"]!.AsObject().Should().BeEmpty();
        body["destination"]!.AsArray().Select(d => d!.GetValue<string>()).Should().Equal("celery@a");
        body["reply_to"]!["exchange"]!.GetValue<string>().Should().Be("reply.celery.pidbox");
        Guid.TryParse(body["ticket"]!.GetValue<string>(), out _).Should().BeTrue();
        Guid.TryParse(body["reply_to"]!["routing_key"]!.GetValue<string>(), out _).Should().BeTrue();
        headers.Select(h => h.Key).Should().Equal("clock", "expires");
        CeleryJson.AsDouble(headers["expires"])!.Value.Should().BeApproximately(before + 1, 5);
        mode.Should().Be(2);
        _app.Clock.Value.Should().BeGreaterThan(1000, "the reply's clock adjusted ours");
    }

    [Theory]
    [InlineData("stats")]
    [InlineData("active")]
    [InlineData("scheduled")]
    [InlineData("reserved")]
    [InlineData("revoked")]
    [InlineData("registered")]
    [InlineData("query_task")]
    [InlineData("conf")]
    [InlineData("report")]
    [InlineData("active_queues")]
    [InlineData("clock")]
    public async Task Inspect_commands_send_pythons_arguments_and_read_pythons_replies(string command)
    {
        var vector = "pidbox_" + command;
        var reply = Reply(vector);
        await using var worker = await FakeMailbox.StartAsync(_app, "celery@testhost", _ => reply?.DeepClone());
        var inspect = _app.Control.Inspect(["celery@testhost"]);
        var expected = RequestBody(vector);

        object result = command switch
        {
            "stats" => (await inspect.StatsAsync())["celery@testhost"],
            "active" => (await inspect.ActiveAsync())["celery@testhost"],
            "scheduled" => (await inspect.ScheduledAsync())["celery@testhost"],
            "reserved" => (await inspect.ReservedAsync())["celery@testhost"],
            "revoked" => (await inspect.RevokedAsync())["celery@testhost"],
            "registered" => (await inspect.RegisteredAsync())["celery@testhost"],
            "query_task" => (await inspect.QueryTaskAsync(expected["arguments"]!["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList()))["celery@testhost"],
            "conf" => (await inspect.ConfAsync())["celery@testhost"],
            "report" => (await inspect.ReportAsync())["celery@testhost"],
            "active_queues" => (await inspect.ActiveQueuesAsync())["celery@testhost"],
            "clock" => (await inspect.ClockAsync())["celery@testhost"],
            _ => throw new InvalidOperationException(),
        };

        result.Should().NotBeNull();
        var sent = worker.Requests.Single().Request;
        sent.Method.Should().Be(command);
        JsonNode.DeepEquals(sent.Arguments, expected["arguments"]).Should().BeTrue($"{command} sends {expected["arguments"]!.ToJsonString()}, not {sent.Arguments.ToJsonString()}");
        switch (result)
        {
            case WorkerStats s:
                s.Pid.Should().Be(19483);
                s.Clock.Should().Be(125);
                s.Total["tasks.add"].Should().Be(8);
                s.MaxConcurrency.Should().Be(2);
                s.Transport.Should().Be("redis");
                s.Raw["rusage"].Should().NotBeNull();
                break;
            case IReadOnlyList<TaskRequestInfo> tasks when command == "active":
                tasks.Should().HaveCount(2);
                tasks[0].Id.Should().Be("bc000000-0000-4000-8000-00000000000d");
                tasks[0].Type.Should().Be("tasks.slow");
                tasks[0].Acknowledged.Should().BeTrue();
                tasks[0].RoutingKey.Should().Be("celery");
                tasks[0].WorkerPid.Should().Be(19487);
                tasks[0].TimeStart.Should().BeApproximately(1795239910.532384, 1e-6);
                break;
            case IReadOnlyList<ScheduledTaskInfo> scheduled:
                scheduled.Single().Priority.Should().Be(6);
                scheduled.Single().Eta.Should().Be("2026-11-21T05:46:03.930529+00:00");
                scheduled.Single().Request.Id.Should().Be("bb000000-0000-4000-8000-00000000000b");
                break;
            case IReadOnlyDictionary<string, TaskQueryInfo> query:
                query["bc000000-0000-4000-8000-00000000000c"].State.Should().Be("active");
                query["bc000000-0000-4000-8000-00000000000e"].State.Should().Be("reserved");
                break;
            case IReadOnlyList<QueueInfo> queues:
                queues.Single().Name.Should().Be("celery");
                queues.Single().ExchangeType.Should().Be("direct");
                queues.Single().Durable.Should().BeTrue();
                break;
            case IReadOnlyList<string> names when command == "registered":
                names.Should().Contain("tasks.add").And.HaveCount(11);
                break;
            case string report:
                report.Should().Contain("celery:5.2.6");
                break;
            case long clock:
                clock.Should().Be(142);
                break;
        }
    }

    [Theory]
    [InlineData("pidbox_rate_limit")]
    [InlineData("pidbox_time_limit")]
    [InlineData("pidbox_revoke")]
    [InlineData("pidbox_revoke_terminate")]
    [InlineData("pidbox_add_consumer")]
    [InlineData("pidbox_cancel_consumer")]
    [InlineData("pidbox_pool_grow")]
    [InlineData("pidbox_pool_shrink")]
    [InlineData("pidbox_enable_events")]
    [InlineData("pidbox_heartbeat")]
    public async Task Control_commands_send_exactly_pythons_arguments(string vector)
    {
        var expected = RequestBody(vector);
        var reply = Reply(vector);
        await using var worker = await FakeMailbox.StartAsync(_app, "celery@testhost", _ => reply?.DeepClone());
        var args = expected["arguments"]!.AsObject();
        var options = new ControlCallOptions { Reply = true, Destination = ["celery@testhost"] };
        var control = _app.Control;

        var replies = expected["method"]!.GetValue<string>() switch
        {
            "rate_limit" => await control.RateLimitAsync(args["task_name"]!.GetValue<string>(), args["rate_limit"]!.GetValue<string>(), options),
            "time_limit" => await control.TimeLimitAsync(args["task_name"]!.GetValue<string>(), CeleryJson.AsDouble(args["soft"]), CeleryJson.AsDouble(args["hard"]), options),
            "revoke" => await control.RevokeAsync([args["task_id"]!.GetValue<string>()], args["terminate"]!.GetValue<bool>(), args["signal"]!.GetValue<string>(), options),
            "add_consumer" => await control.AddConsumerAsync(args["queue"]!.GetValue<string>(), options: options),
            "cancel_consumer" => await control.CancelConsumerAsync(args["queue"]!.GetValue<string>(), options),
            "pool_grow" => await control.PoolGrowAsync((int)CeleryJson.AsInt64(args["n"])!, options),
            "pool_shrink" => await control.PoolShrinkAsync((int)CeleryJson.AsInt64(args["n"])!, options),
            "enable_events" => await control.EnableEventsAsync(options),
            "heartbeat" => await control.HeartbeatAsync(options),
            _ => throw new InvalidOperationException(),
        };

        var sent = worker.Requests.Single().Request;
        sent.Method.Should().Be(expected["method"]!.GetValue<string>());
        JsonNode.DeepEquals(sent.Arguments, args).Should().BeTrue($"expected {args.ToJsonString()}, sent {sent.Arguments.ToJsonString()}");
        JsonNode.DeepEquals(replies["celery@testhost"].Raw, reply).Should().BeTrue();
    }

    [Fact]
    public async Task Control_commands_without_reply_return_at_once_and_send_no_ticket()
    {
        await using var worker = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject { ["ok"] = "x" });

        var watch = Stopwatch.StartNew();
        var replies = await _app.Control.RateLimitAsync("tasks.add", "10/m");
        await _app.Control.ShutdownAsync();

        replies.Should().BeEmpty();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        await WaitUntil(() => worker.Requests.Count == 2);
        worker.Requests.Should().AllSatisfy(r => { r.Request.Ticket.Should().BeNull(); r.Request.ReplyTo.Should().BeNull(); });
        worker.Requests[1].Request.ToJson().ContainsKey("ticket").Should().BeFalse();
    }

    [Fact]
    public async Task Broadcast_collects_every_node_until_the_timeout()
    {
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject { ["ok"] = "pong" });
        await using var b = await FakeMailbox.StartAsync(_app, "celery@b", _ => new JsonObject { ["ok"] = "pong" });

        var watch = Stopwatch.StartNew();
        var replies = await _app.Control.Inspect(timeout: TimeSpan.FromMilliseconds(300)).PingAsync();

        replies.Keys.Should().BeEquivalentTo("celery@a", "celery@b");
        watch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250), "without a limit it waits out the timeout");
    }

    [Fact]
    public async Task Limit_stops_collecting_as_soon_as_enough_replies_came()
    {
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject { ["ok"] = "pong" });

        var watch = Stopwatch.StartNew();
        var replies = await _app.Control.Inspect(new ControlCallOptions { Limit = 1, Timeout = TimeSpan.FromSeconds(20) }).PingAsync();

        replies.Should().ContainKey("celery@a");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Replies_with_another_ticket_are_ignored()
    {
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", r => [("someone-else", new JsonObject { ["ok"] = "stale" }), (r.Ticket!, new JsonObject { ["ok"] = "pong" })]);

        var replies = await _app.Control.PingAsync(new ControlCallOptions { Destination = ["celery@a"] });

        replies["celery@a"].Ok.Should().Be("pong");
    }

    [Fact]
    public async Task No_worker_means_an_empty_answer_after_the_timeout()
    {
        var replies = await _app.Control.Inspect(timeout: TimeSpan.FromMilliseconds(200)).StatsAsync();

        replies.Should().BeEmpty();
    }

    [Fact]
    public async Task A_reply_not_of_the_commands_shape_is_left_out_of_typed_results_and_kept_raw()
    {
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject { ["error"] = "KeyError('stats')" });
        var options = new ControlCallOptions { Destination = ["celery@a"], Reply = true };

        (await _app.Control.Inspect(options).StatsAsync()).Should().BeEmpty();
        var raw = await _app.Control.BroadcastAsync("stats", null, options);
        new ControlResponse(raw["celery@a"]).Error.Should().Be("KeyError('stats')");
    }

    [Fact]
    public async Task Revoke_of_several_ids_sends_a_list_and_pattern_addressing_is_passed_on()
    {
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", _ => new JsonObject { ["ok"] = "tasks flagged" });

        await _app.Control.RevokeAsync(["id-1", "id-2"], options: new ControlCallOptions { Pattern = "celery@*", Matcher = "glob", Reply = true, Limit = 1 });

        var request = a.Requests.Single().Request;
        request.Arguments["task_id"]!.AsArray().Select(i => i!.GetValue<string>()).Should().Equal("id-1", "id-2");
        request.Pattern.Should().Be("celery@*");
        request.Matcher.Should().Be("glob");
        request.Destination.Should().BeNull();
    }

    [Fact]
    public async Task Concurrent_broadcasts_get_their_own_replies()
    {
        await using var a = await FakeMailbox.StartAsync(_app, "celery@a", r => new JsonObject { ["ok"] = r.Method });
        var options = new ControlCallOptions { Destination = ["celery@a"], Reply = true };

        var calls = Enumerable.Range(0, 20).Select(i => _app.Control.BroadcastAsync($"m{i}", null, options)).ToList();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < 20; i++) new ControlResponse(results[i]["celery@a"]).Ok.Should().Be($"m{i}");
    }

    [Fact]
    public async Task A_malformed_reply_is_dropped_and_the_next_one_still_counts()
    {
        var broadcast = (Celeriac.Transport.IBroadcast)_app.Transport;
        await using var pidbox = await broadcast.SubscribeAsync("celery.pidbox", "", "celery@bad.celery.pidbox");
        var answering = Task.Run(async () =>
        {
            var request = Protocol.Control.ControlRequest.Parse((await pidbox.ReceiveAsync(CancellationToken.None))!.Message!.Body.Span);
            var to = request.ReplyTo!.Value;
            var headers = Protocol.Control.ControlReply.Headers(request.Ticket!, 1);
            await broadcast.SendDirectAsync(to.Exchange, to.RoutingKey, new Protocol.Messages.BrokerMessage(headers, new Protocol.Messages.MessageProperties { DeliveryMode = 1 }, "not json"u8.ToArray()));
            await broadcast.SendDirectAsync(to.Exchange, to.RoutingKey, new Protocol.Messages.BrokerMessage(headers, new Protocol.Messages.MessageProperties { DeliveryMode = 1 }, """{"a": 1, "b": 2}"""u8.ToArray()));
            await broadcast.SendDirectAsync(to.Exchange, to.RoutingKey, new Protocol.Messages.BrokerMessage(headers, new Protocol.Messages.MessageProperties { DeliveryMode = 1 }, """{"celery@bad": {"ok": "pong"}}"""u8.ToArray()));
        });

        var replies = await _app.Control.PingAsync(new ControlCallOptions { Destination = ["celery@bad"], Timeout = TimeSpan.FromSeconds(5) });
        await answering;

        replies.Keys.Should().Equal("celery@bad");
        replies["celery@bad"].Ok.Should().Be("pong");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
        condition().Should().BeTrue();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
