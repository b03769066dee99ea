using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Canvas;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// A task lost at shutdown (acked early, then cut short or abandoned) is a failure like any other
/// for its canvas, as Celery's <c>mark_as_failure(WorkerLostError)</c>: the rest of its chain is
/// marked failed, its chord part is added so the chord ends, and its errbacks are sent.
/// </summary>
public sealed class LostTaskCanvasTests : IAsyncLifetime
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private readonly Gate _release = new();
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _release.Open();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task An_abandoned_chain_step_fails_the_rest_of_the_chain_and_sends_its_errbacks()
    {
        var entered = new Gate();
        var hang = _h.App.Task("lost.hang", async () => { entered.Open(); await _release.Task; return 1; });
        var add = _h.App.Task("lost.add", (int x, int y) => x + y);
        var onError = _h.App.Task("lost.on_error", (string id) => id);
        var (worker, _) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = Short; });
        Signature after = add.S(1);
        var afterId = after.Freeze();
        var first = hang.S().LinkError(onError.S());
        first.Options["chain"] = new JsonArray(after.ToJson());

        var r = (AsyncResult)await first.ApplyAsync();
        await entered.WaitAsync();
        await worker.StopAsync();

        (await _h.StoredAsync(r.Id)).Exception!.Type.Should().Be("WorkerLostError");
        var marked = await _h.StoredAsync(afterId);
        marked.Status.Should().Be(TaskStates.Failure, "a client waiting on the chain's end must not hang");
        marked.Exception!.Type.Should().Be("WorkerLostError");
        var errback = (await _h.DrainAsync("celery")).Select(m => m.Message).Should().ContainSingle().Subject;
        errback.Task.Should().Be("lost.on_error");
        errback.Args.ToJsonString().Should().Be($"[\"{r.Id}\"]");
    }

    [Fact]
    public async Task A_chord_part_cut_short_at_shutdown_is_added_so_the_chord_fails_instead_of_hanging()
    {
        var entered = new Gate();
        var stops = _h.App.Task("lost.stops", async (TaskContext ctx) => { entered.Open(); await Task.Delay(Timeout.Infinite, ctx.Cancellation); });
        var tsum = _h.App.Task("lost.tsum", (int[] xs) => xs.Sum());
        var (worker, _) = await _h.StartWorkerAsync(w => { w.ShutdownTimeout = Short; w.CancelGracePeriod = TimeSpan.FromSeconds(10); });
        var body = tsum.S();
        var bodyId = body.Freeze();
        var groupId = Guid.NewGuid().ToString();
        await ((IChordJoin)_h.App.Backend).SetChordSizeAsync(groupId, 1);
        var part = stops.S();
        part.Options["group_id"] = groupId;
        part.Options["group_index"] = 0;
        part.Options["chord"] = body.ToJson();

        var r = (AsyncResult)await part.ApplyAsync();
        await entered.WaitAsync();
        await worker.StopAsync();

        (await _h.StoredAsync(r.Id)).Exception!.Type.Should().Be("WorkerLostError");
        var failed = await _h.StoredAsync(bodyId);
        failed.Status.Should().Be(TaskStates.Failure);
        failed.Exception!.Type.Should().Be("ChordError");
        failed.Exception.Message.Should().StartWith($"Dependency {r.Id} raised WorkerLostError(");
    }
}
