using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Memory;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>The built-in tasks every worker's app has (celery/app/builtins.py), run through a worker.</summary>
public sealed class BuiltinTaskTests
{
    [Fact]
    public async Task Every_app_registers_all_of_celerys_builtins()
    {
        await using var app = CeleriacApp.Create();

        app.Tasks.Names.Should().Contain(["celery.chord_unlock", "celery.map", "celery.starmap", "celery.accumulate", "celery.backend_cleanup"]);
        app.Tasks.Names.Should().Contain(["celery.group", "celery.chain", "celery.chord", "celery.chunks"]);
        var unlock = app.Tasks.Find("celery.chord_unlock")!.Options;
        unlock.MaxRetries.Should().BeNull();
        unlock.DefaultRetryDelay.Should().Be(TimeSpan.FromSeconds(1));
        unlock.IgnoreResult.Should().BeTrue();
    }

    [Fact]
    public async Task Map_and_starmap_call_the_task_in_process_for_each_item_and_return_the_list()
    {
        await using var c = await CanvasBed.StartAsync();
        var task = new Signature("c.mul", [99]).ToJson(); // the partial args are not used, as in Celery

        var map = await c.SendAsync(new Signature("celery.map", kwargs: new JsonObject { ["task"] = new Signature("c.echo").ToJson(), ["it"] = new JsonArray(1, "two") }, immutable: true));
        var starmap = await c.SendAsync(new Signature("celery.starmap", kwargs: new JsonObject { ["task"] = task, ["it"] = new JsonArray(new JsonArray(2, 3), new JsonArray(4, 5)) }, immutable: true));

        (await c.DoneAsync(map.Id)).Result!.ToJsonString().Should().Be("""[[1],["two"]]""");
        (await c.DoneAsync(starmap.Id)).Result!.ToJsonString().Should().Be("[6,20]");
        c.Sent("c.mul").Should().BeEmpty("map runs the task in process, it sends nothing");
    }

    [Fact]
    public async Task Map_of_an_unknown_task_fails_with_NotRegistered()
    {
        await using var c = await CanvasBed.StartAsync();

        var map = await c.SendAsync(new Signature("celery.map", kwargs: new JsonObject { ["task"] = new Signature("py.only").ToJson(), ["it"] = new JsonArray(1) }));

        (await c.DoneAsync(map.Id)).Exception!.Type.Should().Be("NotRegistered");
    }

    [Theory]
    [InlineData("[1,2,3]", "{}", "[1,2,3]")]
    [InlineData("[1,2,3]", """{"index":0}""", "1")]
    [InlineData("[1,2,3]", """{"index":-1}""", "3")]
    public async Task Accumulate_returns_its_args_or_the_one_at_index(string args, string kwargs, string expected)
    {
        await using var c = await CanvasBed.StartAsync();

        var sent = await c.SendAsync(new Signature("celery.accumulate", JsonNode.Parse(args)!.AsArray(), JsonNode.Parse(kwargs)!.AsObject()));

        (await c.DoneAsync(sent.Id)).Result!.ToJsonString().Should().Be(expected);
    }

    [Fact]
    public async Task Backend_cleanup_is_a_no_op()
    {
        await using var c = await CanvasBed.StartAsync();

        var sent = await c.SendAsync(new Signature("celery.backend_cleanup"));

        (await c.DoneAsync(sent.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task Chord_unlock_retries_while_the_header_is_not_ready_then_sends_the_body()
    {
        var gate = new Gate();
        await using var c = await CanvasBed.StartAsync(NoNativeJoin, app => app.Task("c.gated", async (long x) => { await gate.WaitAsync(); return x; }));
        var body = new Signature("c.xsum");
        body.Freeze();
        var header = new[] { new Signature("c.gated", [1]), new Signature("c.gated", [2]) };
        var groupId = Guid.NewGuid().ToString();
        foreach (var (part, i) in header.Select((p, i) => (p, i)))
        {
            part.Options["group_id"] = groupId;
            part.Options["group_index"] = i;
            part.Options["chord"] = body.ToJson();
            part.Freeze();
            await c.SendAsync(part);
        }

        // As the producer sends it for a backend without a native join (vector task_v2_chord_unlock_fallback).
        var unlock = await c.SendAsync(new Signature("celery.chord_unlock", [groupId, body.ToJson()], new JsonObject
        {
            ["interval"] = null,
            ["max_retries"] = null,
            ["result"] = new JsonArray(header.Select(h => (JsonNode)new ResultTuple(h.Id!).ToJson()).ToArray()),
        }, new JsonObject { ["ignore_result"] = true }));

        var (retry, _, _) = await c.Bed.RetryAsync(unlock.Id, 1);
        (retry.Eta!.Value - c.Bed.Clock.GetUtcNow()).Should().Be(TimeSpan.FromSeconds(1), "result_chord_retry_interval");
        gate.Open();
        foreach (var part in header) await c.DoneAsync(part.Id!);
        await c.Bed.FireAtAsync(retry.Eta.Value);

        (await c.DoneAsync(body.Id!)).Result!.GetValue<long>().Should().Be(3);
        var sent = c.SentWithId(body.Id!);
        sent.Args.ToJsonString().Should().Be("[[1,2]]");
        sent.ParentId.Should().Be(unlock.Id);
    }

    [Fact]
    public async Task Chord_unlock_fails_the_body_with_ChordError_when_a_header_part_failed()
    {
        await using var c = await CanvasBed.StartAsync(NoNativeJoin);
        var ok = await c.SendAsync(new Signature("c.add", [1, 1]));
        var bad = await c.SendAsync(new Signature("c.fail", ["nope"]));
        await c.DoneAsync(ok.Id);
        await c.DoneAsync(bad.Id);
        var body = new Signature("c.xsum").LinkError(new Signature("c.on_error"));
        body.Freeze();

        var unlock = await c.SendAsync(new Signature("celery.chord_unlock", [Guid.NewGuid().ToString(), body.ToJson()], new JsonObject
        {
            ["result"] = new JsonArray(new ResultTuple(ok.Id).ToJson(), new ResultTuple(bad.Id).ToJson()),
        }));
        await c.DoneAsync(unlock.Id);

        var stored = await c.App.Result(body.Id!).WaitAsync(TimeSpan.FromSeconds(10));
        stored.Exception!.Message.Should().Be($"Dependency {bad.Id} raised InvalidOperationException('nope')");
        c.Sent("c.on_error").Should().ContainSingle().Which.Args.ToJsonString().Should().Be($"""["{body.Id}"]""");
    }

    private static void NoNativeJoin(CeleriacOptions o) =>
        o.Providers.AddResultBackend("memory", ctx => new NoChordJoinBackend(InMemoryResultStore.Named(ctx.Url.Host).CreateBackend(ctx.Options.TimeProvider, ctx.Options.ResultExpires)));
}
