using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests;

/// <summary>What the worker stores for each outcome, with Celery's rules (docs/protocol.md §4.2, §4.4, §4.5).</summary>
public sealed class WorkerResultTests : IAsyncLifetime
{
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<ResultMeta> RunAsync(CeleriacTask task, TaskSendOptions? options = null, params object?[] args)
    {
        var (_, signals) = await _h.StartWorkerAsync();
        var r = await task.ApplyAsync(args, options: options);
        await signals.CompletedAsync(r.Id);
        return await _h.StoredAsync(r.Id);
    }

    [Fact]
    public async Task Success_is_stored_with_result_date_and_task_id()
    {
        var meta = await RunAsync(_h.App.Task("w.ok", (int x) => new { doubled = x * 2 }).Untyped, null, 4);

        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.ToJsonString().Should().Be("""{"doubled":8}""");
        meta.Traceback.Should().BeNull();
        meta.DateDone.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromMinutes(1));
        meta.ToJson()["task_id"]!.GetValue<string>().Should().Be(meta.TaskId);
    }

    [Fact]
    public async Task A_datetime_result_is_stored_as_Python_isoformat_and_reads_back_typed()
    {
        var when = new DateTimeOffset(2030, 1, 2, 3, 4, 5, 600, TimeSpan.Zero);
        var task = _h.App.Task("w.when", () => when);
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await r.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(when);
        (await _h.StoredAsync(r.Id)).Result!.GetValue<string>().Should().Be("2030-01-02T03:04:05.600000+00:00");
    }

    [Fact]
    public async Task A_dotnet_exception_is_stored_under_its_class_name_and_namespace()
    {
        var meta = await RunAsync(_h.App.Task("w.ioe", (Func<int>)(() => throw new InvalidOperationException("nope"))).Untyped);

        meta.Status.Should().Be(TaskStates.Failure);
        meta.Result!.ToJsonString().Should().Be("""{"exc_type":"InvalidOperationException","exc_message":["nope"],"exc_module":"System"}""");
        meta.Traceback.Should().Contain("InvalidOperationException: nope");
    }

    [Fact]
    public async Task An_exception_from_an_async_task_is_stored_as_itself_not_wrapped()
    {
        var meta = await RunAsync(_h.App.Task("w.async-fail", async () =>
        {
            await Task.Yield();
            throw new System.IO.FileNotFoundException("missing.txt");
        }).Untyped);

        meta.Exception!.Type.Should().Be(nameof(System.IO.FileNotFoundException));
        meta.Exception.Module.Should().Be("System.IO");
        meta.Exception.Message.Should().Be("missing.txt");
    }

    [Fact]
    public async Task A_CeleryException_is_stored_under_its_Python_name()
    {
        var meta = await RunAsync(_h.App.Task("w.value-error", (Func<int>)(() => throw new CeleryException("ValueError", "builtins", "x"))).Untyped);

        meta.Result!.ToJsonString().Should().Be("""{"exc_type":"ValueError","exc_message":["x"],"exc_module":"builtins"}""");
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }

    [Fact]
    public async Task A_result_that_cannot_be_serialized_is_a_FAILURE_and_the_worker_carries_on()
    {
        var cyclic = _h.App.Task("w.cyclic", () => { var n = new Node(); n.Next = n; return n; });
        var fine = _h.App.Task("w.fine", () => 1);
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var a = await cyclic.DelayAsync();
        var b = await fine.DelayAsync();
        await signals.CompletionsAsync(2);

        var meta = await _h.StoredAsync(a.Id);
        meta.Status.Should().Be(TaskStates.Failure);
        meta.Exception!.Module.Should().Be("System.Text.Json");
        (await _h.StoredAsync(b.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task A_task_ignoring_results_stores_nothing_on_success()
    {
        var meta = await RunAsync(_h.App.Task("w.ignored", () => 1, o => o.IgnoreResult = true).Untyped);

        meta.Status.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task A_task_ignoring_results_stores_no_failure_unless_errors_are_stored_even_if_ignored()
    {
        var quiet = _h.App.Task("w.ignored-fail", (Func<int>)(() => throw new InvalidOperationException()), o => o.IgnoreResult = true);
        var loud = _h.App.Task("w.ignored-fail-stored", (Func<int>)(() => throw new InvalidOperationException()),
            o => { o.IgnoreResult = true; o.StoreErrorsEvenIfIgnored = true; });
        var (_, signals) = await _h.StartWorkerAsync();

        var a = await quiet.DelayAsync();
        var b = await loud.DelayAsync();
        await signals.CompletedAsync(a.Id);
        await signals.CompletedAsync(b.Id);

        (await _h.StoredAsync(a.Id)).Status.Should().Be(TaskStates.Pending);
        (await _h.StoredAsync(b.Id)).Status.Should().Be(TaskStates.Failure);
    }

    [Fact]
    public async Task The_ignore_result_header_suppresses_success_but_failures_are_still_stored()
    {
        var ok = _h.App.Task("w.hdr-ok", () => 1);
        var bad = _h.App.Task("w.hdr-bad", (Func<int>)(() => throw new InvalidOperationException("stored anyway")));
        var (_, signals) = await _h.StartWorkerAsync();
        var ignore = new TaskSendOptions { IgnoreResult = true };

        var a = await ok.ApplyAsync(options: ignore);
        var b = await bad.ApplyAsync(options: ignore);
        await signals.CompletedAsync(a.Id);
        await signals.CompletedAsync(b.Id);

        (await _h.StoredAsync(a.Id)).Status.Should().Be(TaskStates.Pending);
        var failed = await _h.StoredAsync(b.Id);
        failed.Status.Should().Be(TaskStates.Failure);
        failed.Exception!.Message.Should().Be("stored anyway");
    }

    [Fact]
    public async Task The_app_wide_ignore_result_setting_applies_to_tasks_without_their_own()
    {
        await using var h = TestHarness.Create(o => o.IgnoreResult = true);
        var ignored = h.App.Task("w.app-ignored", () => 1);
        var kept = h.App.Task("w.app-kept", () => 2, o => o.IgnoreResult = false);
        var (_, signals) = await h.StartWorkerAsync();

        var a = await ignored.DelayAsync();
        var b = await kept.DelayAsync();
        await signals.CompletedAsync(a.Id);
        await signals.CompletedAsync(b.Id);

        (await h.StoredAsync(a.Id)).Status.Should().Be(TaskStates.Pending);
        (await h.StoredAsync(b.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task Track_started_stores_STARTED_with_pid_and_hostname_while_the_task_runs()
    {
        var release = new Gate();
        var task = _h.App.Task("w.tracked", async () => { await release.WaitAsync(); return 1; }, o => o.TrackStarted = true);
        var (worker, signals) = await _h.StartWorkerAsync(w => w.Hostname = "tracker@test");

        var r = await task.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, r.Id);
        var started = await _h.StoredAsync(r.Id);
        release.Open();
        await signals.CompletedAsync(r.Id);

        started.Status.Should().Be(TaskStates.Started);
        started.DateDone.Should().BeNull();
        started.Result!["pid"]!.GetValue<int>().Should().Be(Environment.ProcessId);
        started.Result["hostname"]!.GetValue<string>().Should().Be("tracker@test");
        (await _h.StoredAsync(r.Id)).Status.Should().Be(TaskStates.Success);
    }

    [Fact]
    public async Task Without_track_started_nothing_is_stored_while_the_task_runs()
    {
        var release = new Gate();
        var task = _h.App.Task("w.untracked", async () => { await release.WaitAsync(); return 1; });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();
        await signals.WaitForAsync(WorkerSignalKind.Started, r.Id);
        var during = await _h.StoredAsync(r.Id);
        release.Open();
        await signals.CompletedAsync(r.Id);

        during.Status.Should().Be(TaskStates.Pending);
    }

    [Fact]
    public async Task Extended_results_carry_name_args_kwargs_worker_and_queue()
    {
        await using var h = TestHarness.Create(o => o.ResultExtended = true);
        var task = h.App.Task("w.extended", (int x, string y) => y + x);
        var (_, signals) = await h.StartWorkerAsync(w => w.Hostname = "ext@test");

        var r = await task.Untyped.ApplyAsync([1], new Dictionary<string, object?> { ["y"] = "n" });
        await signals.CompletedAsync(r.Id);
        var json = (await h.StoredAsync(r.Id)).ToJson();

        json["name"]!.GetValue<string>().Should().Be("w.extended");
        json["args"]!.ToJsonString().Should().Be("[1]");
        json["kwargs"]!.ToJsonString().Should().Be("""{"y":"n"}""");
        json["worker"]!.GetValue<string>().Should().Be("ext@test");
        json["queue"]!.GetValue<string>().Should().Be("celery");
    }

    [Fact]
    public async Task A_redelivered_task_never_overwrites_a_stored_success()
    {
        var runs = 0;
        var task = _h.App.Task("w.twice", () => Interlocked.Increment(ref runs) == 1 ? "first" : throw new InvalidOperationException("second run"));
        var (_, signals) = await _h.StartWorkerAsync();
        var same = new TaskSendOptions { TaskId = Guid.NewGuid().ToString() };

        await task.ApplyAsync(options: same);
        await task.ApplyAsync(options: same);
        await signals.CompletionsAsync(2);

        var meta = await _h.StoredAsync(same.TaskId!);
        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.GetValue<string>().Should().Be("first");
    }
}
