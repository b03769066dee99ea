using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests;

/// <summary>What a retry message carries over from the message being retried (docs/protocol.md §5.5 step 3).</summary>
public sealed class RetryMessageTests : IAsyncLifetime
{
    private readonly RetryTestBed _bed = RetryTestBed.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_retry_keeps_the_queue_priority_headers_expiry_limits_and_shadow_of_the_original()
    {
        var task = _bed.App.Task("r.keep", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(5)) : 1);
        await _bed.StartWorkerAsync(w => w.Queues = ["work"]);
        var sentAt = _bed.Clock.GetUtcNow();
        var r = await task.ApplyAsync(options: new()
        {
            Queue = "work",
            Priority = 7,
            Headers = new Dictionary<string, object?> { ["tenant"] = "acme" },
            ExpiresIn = TimeSpan.FromHours(1),
            TimeLimit = TimeSpan.FromSeconds(300),
            SoftTimeLimit = TimeSpan.FromSeconds(200),
            Shadow = "r.keep-shown",
            Countdown = TimeSpan.FromSeconds(10),
        });
        var original = TaskMessageCodec.Decode(_bed.Published.Single().Message, [ContentTypes.Json]);
        await _bed.FireAtAsync(sentAt.AddSeconds(10));

        var (retry, route, _) = await _bed.RetryAsync(r.Id, 1);

        route.Should().Be(DeliveryInfo.ToQueue("work"), "delivered through the anonymous exchange: back to that queue");
        retry.Id.Should().Be(r.Id);
        retry.Task.Should().Be("r.keep");
        retry.Retries.Should().Be(1);
        retry.Eta.Should().Be(sentAt.AddSeconds(15), "now (10 s after sending) + the 5 s countdown");
        retry.Properties.Priority.Should().Be(7);
        retry.ExtraHeaders["tenant"]!.GetValue<string>().Should().Be("acme");
        retry.Expires.Should().Be(original.Expires).And.Be(sentAt.AddHours(1));
        retry.TimeLimits.Should().Be(new TimeLimits(300, 200));
        retry.Shadow.Should().Be("r.keep-shown");
        retry.ArgsRepr.Should().Be(original.ArgsRepr);
        retry.KwargsRepr.Should().Be(original.KwargsRepr);
        retry.Properties.ReplyTo.Should().Be(original.Properties.ReplyTo);
        retry.Properties.CorrelationId.Should().Be(r.Id);
        // expiration is the lifetime left when the retry is sent, as for any send with expires (docs/protocol.md §1.10).
        retry.Properties.Expiration.Should().Be("3590000");

        await _bed.FireAtAsync(retry.Eta!.Value);
        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task A_retry_due_after_the_task_expires_is_revoked_as_expired_when_its_eta_comes()
    {
        var runs = 0;
        var task = _bed.App.Task("r.expiring", (TaskContext ctx) =>
        {
            Interlocked.Increment(ref runs);
            return ctx.Retries >= 0 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(60)) : 0;
        });
        await _bed.StartWorkerAsync();

        var r = await task.ApplyAsync(options: new() { ExpiresIn = TimeSpan.FromSeconds(30) });
        var (retry, _, _) = await _bed.RetryAsync(r.Id, 1);
        await _bed.FireAtAsync(retry.Eta!.Value);

        (await _bed.FinishedAsync(r.Id)).Should().Be(TaskStates.Revoked);
        var meta = await _bed.StoredAsync(r.Id);
        meta.Exception!.Type.Should().Be("TaskRevokedError");
        meta.Exception.Message.Should().Be("expired");
        runs.Should().Be(1);
    }

    [Fact]
    public async Task A_retry_of_a_message_sent_to_a_named_exchange_goes_to_that_exchange_and_routing_key()
    {
        var task = _bed.App.Task("r.exchange", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(1)) : ctx.Queue);
        await _bed.App.Transport.DeclareQueueAsync("jobs");
        await _bed.StartWorkerAsync(w => w.Queues = ["jobs"]);

        var r = await task.ApplyAsync(options: new() { Exchange = "jobs-exchange", RoutingKey = "jobs" });
        var (retry, route, _) = await _bed.RetryAsync(r.Id, 1);

        route.Should().Be(new DeliveryInfo("jobs-exchange", "jobs"));
        await _bed.FireAtAsync(retry.Eta!.Value);
        await _bed.FinishedAsync(r.Id);
        (await _bed.StoredAsync(r.Id)).Result!.GetValue<string>().Should().Be("jobs");
    }

    [Fact]
    public async Task A_retry_keeps_the_parent_and_root_of_a_task_sent_from_another_task()
    {
        var child = _bed.App.Task("r.child", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(1)) : ctx.ParentId);
        string? childId = null;
        var parent = _bed.App.Task("r.parent", async () => { childId = (await child.DelayAsync()).Id; return 0; });
        await _bed.StartWorkerAsync();

        var p = await parent.ApplyAsync(options: new() { TaskId = "parent-1" });
        await _bed.FinishedAsync(p.Id);
        var (retry, _, _) = await _bed.RetryAsync(childId!, 1);

        retry.ParentId.Should().Be("parent-1", "only a task without a parent gets its own id as parent");
        retry.RootId.Should().Be("parent-1");
        await _bed.FireAtAsync(retry.Eta!.Value);
        await _bed.FinishedAsync(childId!);
        (await _bed.StoredAsync(childId!)).Result!.GetValue<string>().Should().Be("parent-1");
    }

    [Fact]
    public async Task A_retry_keeps_the_group_and_the_embedded_callbacks_errbacks_chain_and_chord()
    {
        static JsonObject Sig(string task) => new() { ["task"] = task, ["args"] = new JsonArray(), ["kwargs"] = new JsonObject(), ["options"] = new JsonObject(), ["subtask_type"] = null, ["immutable"] = false };
        _bed.App.Task("r.member", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(1)) : 1);
        await _bed.StartWorkerAsync();
        var embed = new TaskEmbed
        {
            Callbacks = [Sig("tasks.on_ok")],
            Errbacks = [Sig("tasks.on_err")],
            Chain = [Sig("tasks.step3"), Sig("tasks.step2")],
            Chord = Sig("tasks.join"),
        };
        var sent = new TaskMessage
        {
            Task = "r.member", Id = "member-1", Group = "group-1", GroupIndex = 2, RootId = "root-1", ParentId = "parent-1",
            Origin = "gen1@python", Embed = embed,
            Properties = new MessageProperties { CorrelationId = "member-1", ReplyTo = "oid-1", Priority = 3 },
        };
        _bed.H.Broker.Enqueue("celery", new Memory.StoredMessage(TaskMessageCodec.Encode(sent), DeliveryInfo.ToQueue("celery"), "tag-1"));

        var (retry, _, raw) = await _bed.RetryAsync("member-1", 1);

        retry.Group.Should().Be("group-1");
        retry.GroupIndex.Should().Be(2);
        retry.RootId.Should().Be("root-1");
        retry.ParentId.Should().Be("parent-1");
        JsonNode.DeepEquals(retry.Embed.ToJson(), embed.ToJson()).Should().BeTrue(retry.Embed.ToJson().ToJsonString());
        retry.Properties.ReplyTo.Should().Be("oid-1");
        retry.Properties.Priority.Should().Be(3);
        raw.Properties.Extra!["origin"]!.GetValue<string>().Should().Be("gen1@python");
        raw.Headers["origin"]!.GetValue<string>().Should().Be(RetryTestBed.OurOrigin);
    }

    [Fact]
    public async Task Retry_can_replace_the_args_and_kwargs_and_the_reprs_follow()
    {
        var seen = new List<string>();
        var task = _bed.App.Task("r.args", (int n, string note, TaskContext ctx) =>
        {
            lock (seen) seen.Add($"{n}:{note}");
            if (ctx.Retries == 0)
                throw ctx.Retry(countdown: TimeSpan.FromSeconds(1), args: [n + 1], kwargs: new Dictionary<string, object?> { ["note"] = "second" });
            return n;
        });
        await _bed.StartWorkerAsync();

        var r = await task.Untyped.ApplyAsync([7], new Dictionary<string, object?> { ["note"] = "first" });
        var (retry, _, raw) = await _bed.RetryAsync(r.Id, 1);

        JsonNode.DeepEquals(retry.Args, new JsonArray(8)).Should().BeTrue(retry.Args.ToJsonString());
        JsonNode.DeepEquals(retry.Kwargs, new JsonObject { ["note"] = "second" }).Should().BeTrue(retry.Kwargs.ToJsonString());
        raw.Headers["argsrepr"]!.GetValue<string>().Should().Be("(8,)");
        raw.Headers["kwargsrepr"]!.GetValue<string>().Should().Be("{'note': 'second'}");
        await _bed.FireAtAsync(retry.Eta!.Value);
        await _bed.FinishedAsync(r.Id);
        seen.Should().Equal("7:first", "8:second");
        (await _bed.StoredAsync(r.Id)).Result!.GetValue<int>().Should().Be(8);
    }

    [Fact]
    public async Task With_acks_late_the_original_message_is_acked_once_its_retry_is_out()
    {
        var task = _bed.App.Task("r.late", (TaskContext ctx) => ctx.Retries == 0 ? throw ctx.Retry(countdown: TimeSpan.FromSeconds(3)) : 1,
            o => o.AcksLate = true);
        await _bed.StartWorkerAsync();

        var r = await task.DelayAsync();
        var (retry, _, _) = await _bed.RetryAsync(r.Id, 1);

        _bed.Settlements.For(r.Id).Should().Equal(Transport.SettleAction.Ack);
        _bed.H.Broker.DeadLetters.Should().BeEmpty();
        await _bed.FireAtAsync(retry.Eta!.Value);
        await _bed.FinishedAsync(r.Id);
        // The retry is a delivery of its own, acked after its run.
        _bed.Settlements.For(r.Id).Should().Equal(Transport.SettleAction.Ack, Transport.SettleAction.Ack);
    }
}
