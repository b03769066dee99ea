using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Canvas;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <content>
/// Canvases carried on by the worker through the transport and backend under test (docs/protocol.md §1.6–1.9,
/// §4.8): a chain step by step, callbacks listed in <c>children</c>, a chord joined in the
/// backend's native join, and a failed header part turning into <c>ChordError</c> on the body.
/// </content>
public abstract partial class WorkerComplianceTests
{
    private void RegisterCanvasTasks()
    {
        App.Task("cw.add", (long x, long y) => x + y);
        App.Task("cw.mul", (long x, long y) => x * y);
        App.Task("cw.echo", (Tasks.TaskArguments all) => all.Args.DeepClone());
        App.Task("cw.fail", (string message) => { throw new InvalidOperationException(message); });
    }

    [Fact]
    public async Task A_chain_of_plain_signatures_runs_step_by_step_and_each_step_lists_the_next()
    {
        RegisterCanvasTasks();
        var (_, signals) = await StartWorkerAsync();
        Signature[] steps = [new("cw.add", [2, 2]), new("cw.mul", [10]), new("cw.add", [1])];
        var ids = steps.Select(s => s.Freeze()).ToList();
        steps[0].Options["chain"] = new JsonArray(steps[2].ToJson(), steps[1].ToJson());

        await steps[0].SendWorkflowAsync(App, CancellationToken.None);

        (await App.Result(ids[2]).GetAsync(Timeout))!.GetValue<long>().Should().Be(41);
        // A step is stored after it sent the next one, so the last may be in before the first.
        foreach (var id in ids) await signals.WaitForAsync(Worker.WorkerSignalKind.Completed, id);
        (await App.Backend.GetAsync(ids[0])).Children!.ToJsonString().Should().Be($"""[[["{ids[1]}",null],null]]""");
        (await App.Backend.GetAsync(ids[1])).Children!.ToJsonString().Should().Be($"""[[["{ids[2]}",null],null]]""");
    }

    [Fact]
    public async Task A_chord_joins_in_the_backend_and_its_body_runs_once_with_the_results_in_header_order()
    {
        RegisterCanvasTasks();
        var (_, signals) = await StartWorkerAsync(w => w.Concurrency = 4);
        var body = new Signature("cw.echo");
        var (groupId, parts) = await SendChordAsync(body, Enumerable.Range(0, 8).Select(i => new Signature("cw.mul", [i, 3])).ToArray());

        (await App.Result(body.Id!).GetAsync(Timeout))!.ToJsonString().Should().Be("[[0,3,6,9,12,15,18,21]]");
        // The body may finish before the part that sent it has deleted the join; that part reports
        // Completed only after.
        foreach (var part in parts) await signals.WaitForAsync(Worker.WorkerSignalKind.Completed, part);
        (await ((IChordJoin)App.Backend).GetChordPartsAsync(groupId)).Should().BeEmpty("the join's keys are deleted after the body is sent");
    }

    [Fact]
    public async Task A_failed_chord_header_part_stores_ChordError_on_the_body_and_sends_its_errback_once()
    {
        RegisterCanvasTasks();
        var errbackRuns = 0;
        var errbackRan = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        App.Task("cw.on_error", (string taskId) => { Interlocked.Increment(ref errbackRuns); errbackRan.TrySetResult(taskId); return taskId; });
        await StartWorkerAsync(w => w.Concurrency = 4);
        var body = new Signature("cw.echo").LinkError(new Signature("cw.on_error"));
        var (_, parts) = await SendChordAsync(body, new Signature("cw.add", [1, 1]), new Signature("cw.fail", ["header failed"]), new Signature("cw.add", [2, 2]));

        await App.Result(body.Id!).Invoking(r => r.GetAsync(Timeout)).Should().ThrowAsync<TaskFailedException>();
        var meta = await App.Backend.GetAsync(body.Id!);

        meta.Exception!.Type.Should().Be("ChordError");
        meta.Exception.Module.Should().Be("celery.exceptions");
        meta.Exception.Message.Should().Be($"Dependency {parts[1]} raised InvalidOperationException('header failed')");
        (await errbackRan.Task.WaitAsync(Timeout)).Should().Be(body.Id, "an old-style errback gets the failed body's id");
        Volatile.Read(ref errbackRuns).Should().Be(1);
    }

    /// <summary>A chord as a Python producer sends it: size first, then each part with group, index and the frozen body.</summary>
    private async Task<(string GroupId, List<string> Parts)> SendChordAsync(Signature body, params Signature[] header)
    {
        body.Freeze();
        var groupId = Guid.NewGuid().ToString();
        await ((IChordJoin)App.Backend).SetChordSizeAsync(groupId, header.Length);
        var parts = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            header[i].Options["group_id"] = groupId;
            header[i].Options["group_index"] = i;
            header[i].Options["chord"] = body.ToJson();
            parts.Add(header[i].Freeze());
            await header[i].SendWorkflowAsync(App, CancellationToken.None);
        }
        return (groupId, parts);
    }
}
