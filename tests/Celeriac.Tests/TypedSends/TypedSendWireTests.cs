using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Support;
using Celeriac.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Tests.TypedSends;

/// <summary>
/// A typed send writes exactly the message the untyped path writes (positional args in order, no
/// kwargs), and the worker runs it; registration refuses a typed handle the worker would not honour.
/// </summary>
public sealed class TypedSendWireTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TestHarness _h = TestHarness.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>The published messages of <paramref name="queue"/>: headers without the per-send ids, and the body as text.</summary>
    private async Task<List<(string Headers, string Body)>> DrainRawAsync(string queue = "celery")
    {
        var depth = _h.Broker.Depth(queue);
        var taken = new List<(string, string)>();
        var consumer = await _h.App.Transport.ConsumeAsync([queue]);
        while (taken.Count < depth)
        {
            var deliveries = await consumer.ReceiveAsync(depth - taken.Count, CancellationToken.None);
            foreach (var d in deliveries)
            {
                var headers = (JsonObject)d.Message!.Headers.DeepClone();
                headers.Remove("id");
                headers.Remove("root_id");
                taken.Add((headers.ToJsonString(), Encoding.UTF8.GetString(d.Message.Body.Span)));
            }
            await consumer.SettleAsync(deliveries.Select(d => new Transport.Settlement(d, Transport.SettleAction.Ack)).ToList());
        }
        await consumer.DisposeAsync();
        return taken;
    }

    [Fact]
    public async Task A_typed_send_writes_the_same_message_as_the_untyped_paths()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);

        await add.DelayAsync(2, 3);
        await add.Untyped.DelayAsync(2, 3);
        await _h.App.SendTaskAsync("tasks.add", [2, 3]);
        var messages = await DrainRawAsync();

        messages.Should().HaveCount(3);
        messages.Select(m => m.Body).Distinct().Should().ContainSingle()
            .Which.Should().StartWith("[[2,3],{},");
        messages.Select(m => m.Headers).Distinct().Should().ContainSingle();
    }

    [Fact]
    public async Task A_typed_send_with_options_writes_the_same_message_as_the_untyped_apply()
    {
        var greet = _h.App.Task("tasks.greet", (string name, int times, CancellationToken ct) => string.Concat(Enumerable.Repeat(name, times)));
        var options = new TaskSendOptions { Queue = "greetings", Priority = 3, Countdown = TimeSpan.FromHours(1) };

        await greet.ApplyAsync("hi", 2, options);
        await greet.Untyped.ApplyAsync(["hi", 2], options: options);
        var messages = await DrainRawAsync("greetings");

        messages.Should().HaveCount(2);
        messages[0].Body.Should().Be(messages[1].Body).And.StartWith("""[["hi",2],{},""");
        var (typed, untyped) = (JsonNode.Parse(messages[0].Headers)!, JsonNode.Parse(messages[1].Headers)!);
        typed["argsrepr"]!.GetValue<string>().Should().Be(untyped["argsrepr"]!.GetValue<string>()).And.Be("('hi', 2)");
        typed["eta"].Should().NotBeNull();
    }

    [Fact]
    public async Task Typed_sends_run_on_the_worker_with_bound_parameters_left_out_of_the_send()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);
        var withContext = _h.App.Task("tasks.ctx-last", (string s, TaskContext ctx) => $"{s}@{ctx.TaskName}");
        var contextFirst = _h.App.Task("tasks.ctx-first", (TaskContext ctx, int x) => x * 10 + ctx.Retries);
        var withToken = _h.App.Task("tasks.ct-last", async (int ms, CancellationToken ct) => { await Task.Delay(ms, ct); return ms; });
        var noResult = _h.App.Task("tasks.void", (int x) => { _ = x; });
        await _h.StartWorkerAsync();

        (await (await add.DelayAsync(2, 2)).GetAsync(Wait)).Should().Be(4);
        (await (await withContext.DelayAsync("a")).GetAsync(Wait)).Should().Be("a@tasks.ctx-last");
        (await (await contextFirst.DelayAsync(4)).GetAsync(Wait)).Should().Be(40);
        (await (await withToken.ApplyAsync(1, new TaskSendOptions { Queue = "celery" })).GetAsync(Wait)).Should().Be(1);
        (await (await noResult.DelayAsync(1)).GetAsync<object?>(Wait)).Should().BeNull();
    }

    [Fact]
    public async Task A_typed_signature_is_the_untyped_one_and_a_chain_of_them_runs()
    {
        var add = _h.App.Task("tasks.add", (int x, int y) => x + y);
        var mul = _h.App.Task("tasks.mul", (int x, int y) => x * y);
        add.S(2, 2).ToJson().ToJsonString().Should().Be(add.Untyped.S(2, 2).ToJson().ToJsonString());
        mul.Si(4).ToJson().ToJsonString().Should().Be(mul.Untyped.Si(4).ToJson().ToJsonString());
        await _h.StartWorkerAsync();

        var r = await (add.S(2, 2) | mul.S(4)).ApplyAsync<int>();

        (await r.GetAsync(Wait)).Should().Be(16);
    }

    [Fact]
    public async Task A_typed_send_runs_in_place_when_eager()
    {
        await using var h = TestHarness.Create(o => o.AlwaysEager = true);
        var add = h.App.Task("tasks.add", (int x, int y) => x + y);

        var r = await add.DelayAsync(20, 22);

        (await r.GetAsync()).Should().Be(42);
    }

    [Theory]
    [InlineData("all", "all the message's arguments")]
    [InlineData("ctx", "the TaskContext")]
    public void Registration_refuses_a_typed_handle_that_would_send_a_parameter_the_worker_binds(string parameter, string boundAs)
    {
        var register = parameter == "all"
            ? () => _h.App.Task("tasks.bad", (int x, TaskArguments all, int y) => x + y)
            : (Action)(() => _h.App.Task("tasks.bad", (int x, TaskContext ctx, int y) => x + y));

        register.Should().Throw<ArgumentException>()
            .WithMessage($"Task 'tasks.bad': parameter '{parameter}' *bound by the worker ({boundAs})*(Delegate)*");
        _h.App.Tasks.Find("tasks.bad").Should().BeNull("a refused task is not registered");
    }

    [Fact]
    public void Registration_refuses_a_typed_handle_that_would_send_a_service()
    {
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).BuildServiceProvider();
        var app = CeleriacApp.Create(o => o.BrokerUrl = $"memory://{Guid.NewGuid():N}", services);

        var register = () => app.Task("tasks.stamp", (int x, TimeProvider clock) => x + clock.GetUtcNow().Second);

        register.Should().Throw<ArgumentException>().WithMessage("*parameter 'clock' (TimeProvider) is bound by the worker (a service)*");
        app.Task("tasks.stamp", (Delegate)((int x, TimeProvider clock) => x + clock.GetUtcNow().Second)).Name.Should().Be("tasks.stamp");
    }
}
