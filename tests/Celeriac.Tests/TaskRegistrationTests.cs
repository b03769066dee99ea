using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

public sealed class TaskRegistrationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => _h.StartWorkerAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Sync_tasks_of_every_arity_from_zero_to_six_return_typed_results()
    {
        var app = _h.App;
        var t0 = app.Task("t.a0", () => 7);
        var t1 = app.Task("t.a1", (int a) => a * 2);
        var t2 = app.Task("t.a2", (int a, int b) => a + b);
        var t3 = app.Task("t.a3", (int a, int b, string c) => $"{c}{a + b}");
        var t4 = app.Task("t.a4", (int a, int b, int c, int d) => a + b + c + d);
        var t5 = app.Task("t.a5", (int a, int b, int c, int d, int e) => (long)a * b * c * d * e);
        var t6 = app.Task("t.a6", (int a, int b, int c, int d, int e, int f) => new[] { a, b, c, d, e, f });

        (await (await t0.DelayAsync()).GetAsync(Timeout)).Should().Be(7);
        (await (await t1.DelayAsync(21)).GetAsync(Timeout)).Should().Be(42);
        (await (await t2.DelayAsync(2, 2)).GetAsync(Timeout)).Should().Be(4);
        (await (await t3.DelayAsync(1, 2, "n=")).GetAsync(Timeout)).Should().Be("n=3");
        (await (await t4.DelayAsync(1, 2, 3, 4)).GetAsync(Timeout)).Should().Be(10);
        (await (await t5.DelayAsync(1, 2, 3, 4, 5)).GetAsync(Timeout)).Should().Be(120L);
        (await (await t6.DelayAsync(1, 2, 3, 4, 5, 6)).GetAsync(Timeout)).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public async Task Async_tasks_of_every_arity_return_typed_results()
    {
        var app = _h.App;
        var t0 = app.Task("t.b0", async () => { await Task.Yield(); return "zero"; });
        var t1 = app.Task("t.b1", async (int a) => { await Task.Yield(); return a + 1; });
        var t2 = app.Task("t.b2", async (int a, int b) => { await Task.Yield(); return a * b; });
        var t3 = app.Task("t.b3", async (int a, int b, int c) => { await Task.Yield(); return a + b + c; });
        var t4 = app.Task("t.b4", async (int a, int b, int c, int d) => { await Task.Yield(); return a + b + c + d; });
        var t5 = app.Task("t.b5", async (int a, int b, int c, int d, int e) => { await Task.Yield(); return a + b + c + d + e; });
        var t6 = app.Task("t.b6", async (int a, int b, int c, int d, int e, int f) => { await Task.Yield(); return a + b + c + d + e + f; });

        (await (await t0.DelayAsync()).GetAsync(Timeout)).Should().Be("zero");
        (await (await t1.DelayAsync(1)).GetAsync(Timeout)).Should().Be(2);
        (await (await t2.DelayAsync(3, 4)).GetAsync(Timeout)).Should().Be(12);
        (await (await t3.DelayAsync(1, 1, 1)).GetAsync(Timeout)).Should().Be(3);
        (await (await t4.DelayAsync(1, 1, 1, 1)).GetAsync(Timeout)).Should().Be(4);
        (await (await t5.DelayAsync(1, 1, 1, 1, 1)).GetAsync(Timeout)).Should().Be(5);
        (await (await t6.DelayAsync(1, 1, 1, 1, 1, 1)).GetAsync(Timeout)).Should().Be(6);
    }

    [Fact]
    public async Task Tasks_without_a_result_succeed_with_null_whether_sync_void_or_async_Task()
    {
        var seen = new List<string>();
        var app = _h.App;
        var asyncNoArgs = app.Task("t.c0", async () => { await Task.Yield(); lock (seen) seen.Add("c0"); });
        var asyncOneArg = app.Task("t.c1", async (string s) => { await Task.Yield(); lock (seen) seen.Add(s); });
        var syncVoid = app.Task("t.c2", (Action<string, int>)((s, n) => { lock (seen) seen.Add(s + n); }));

        var results = new[] { await asyncNoArgs.DelayAsync(), await asyncOneArg.DelayAsync("c1"), await syncVoid.DelayAsync("c", 2) };
        foreach (var r in results)
        {
            (await r.GetAsync(Timeout)).Should().BeNull();
            r.State.Should().Be(TaskStates.Success);
        }
        seen.Should().BeEquivalentTo("c0", "c1", "c2");
        syncVoid.Definition.ResultType.Should().Be(typeof(void));
        asyncOneArg.Definition.ResultType.Should().Be(typeof(void));
    }

    [Fact]
    public async Task The_Delegate_overload_registers_tasks_with_more_than_six_parameters()
    {
        Func<int, int, int, int, int, int, int, int> seven = (a, b, c, d, e, f, g) => a + b + c + d + e + f + g;
        var task = _h.App.Task("t.seven", seven);
        task.Definition.ResultType.Should().Be(typeof(int));

        var r = await task.DelayAsync(1, 2, 3, 4, 5, 6, 7);

        (await r.GetAsync<int>(Timeout)).Should().Be(28);
    }

    [Fact]
    public async Task The_Delegate_overload_accepts_async_delegates_and_unwraps_their_result()
    {
        Func<int, int, int, int, int, int, int, Task<string>> seven = async (a, b, c, d, e, f, g) =>
        {
            await Task.Yield();
            return string.Join("-", a, b, c, d, e, f, g);
        };
        var task = _h.App.Task("t.seven-async", seven);
        task.Definition.ResultType.Should().Be(typeof(string));

        var r = await task.DelayAsync(1, 2, 3, 4, 5, 6, 7);

        (await r.GetAsync<string>(Timeout)).Should().Be("1-2-3-4-5-6-7");
    }

    [Fact]
    public async Task SendTaskAsync_sends_by_name_and_the_untyped_result_is_JSON()
    {
        _h.App.Task("t.by-name", (int x, int y) => x * y);

        var r = await _h.App.SendTaskAsync("t.by-name", args: [6, 7]);

        var json = await r.GetAsync(Timeout);
        json!.GetValue<int>().Should().Be(42);
        (await r.GetAsync<long>(Timeout)).Should().Be(42L);
    }

    [Fact]
    public async Task App_Result_by_id_reads_the_same_stored_result()
    {
        var task = _h.App.Task("t.result-by-id", (string s) => s.ToUpperInvariant());
        var sent = await task.DelayAsync("ada");
        await sent.GetAsync(Timeout);

        var untyped = await _h.App.Result(sent.Id).RefreshAsync();
        var typed = _h.App.Result<string>(sent.Id);

        untyped.State.Should().Be(TaskStates.Success);
        untyped.Info!.GetValue<string>().Should().Be("ADA");
        (await typed.GetAsync(Timeout)).Should().Be("ADA");
    }

    [Fact]
    public void Registering_two_tasks_with_the_same_name_throws()
    {
        _h.App.Task("t.dup", () => 1);

        var again = () => _h.App.Task("t.dup", () => 2);

        again.Should().Throw<InvalidOperationException>().WithMessage("*t.dup*");
        _h.App.Tasks.Contains("t.dup").Should().BeTrue();
        _h.App.Tasks.Names.Should().Contain("t.dup");
    }

    [Fact]
    public async Task A_task_returning_a_JsonNode_stores_it_unchanged()
    {
        var task = _h.App.Task("t.node", () => JsonNode.Parse("""{"a": [1, 2.5, "x", null]}"""));

        var r = await task.DelayAsync();

        (await r.GetAsync(Timeout))!.ToJsonString().Should().Be("""{"a":[1,2.5,"x",null]}""");
    }
}
