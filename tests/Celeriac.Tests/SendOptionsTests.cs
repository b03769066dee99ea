using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>apply_async's options end up on the wire as a Python producer would write them (docs/protocol.md §1.2, §1.3, §1.10).</summary>
public sealed class SendOptionsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TestHarness _h = TestHarness.Create(o => o.TimeProvider = new FixedTimeProvider(Now));
    private readonly CeleriacTask<int, int, int> _add;

    public SendOptionsTests() => _add = _h.App.Task("s.add", (int x, int y) => x + y);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<Protocol.Messages.TaskMessage> SendAndDecodeAsync(TaskSendOptions options, string queue = "celery")
    {
        await _add.ApplyAsync(1, 2, options: options);
        var messages = await _h.DrainAsync(queue);
        messages.Should().ContainSingle();
        return messages[0].Message;
    }

    [Fact]
    public async Task A_plain_send_writes_the_Python_default_headers()
    {
        var m = await SendAndDecodeAsync(new TaskSendOptions());

        m.Task.Should().Be("s.add");
        m.Args.ToJsonString().Should().Be("[1,2]");
        m.Kwargs.Count.Should().Be(0);
        m.RootId.Should().Be(m.Id);
        m.ParentId.Should().BeNull();
        m.Eta.Should().BeNull();
        m.Expires.Should().BeNull();
        m.IgnoreResult.Should().BeFalse();
        m.ArgsRepr.Should().Be("(1, 2)");
        m.Properties.CorrelationId.Should().Be(m.Id);
        m.Properties.DeliveryMode.Should().Be(2);
        m.Properties.Expiration.Should().BeNull();
    }

    [Fact]
    public async Task The_given_task_id_is_used_for_the_message_and_the_result()
    {
        var r = await _add.ApplyAsync(1, 2, options: new TaskSendOptions { TaskId = "my-own-id" });

        r.Id.Should().Be("my-own-id");
        var m = (await _h.DrainAsync("celery")).Single().Message;
        m.Id.Should().Be("my-own-id");
        m.Properties.CorrelationId.Should().Be("my-own-id");
    }

    [Fact]
    public async Task Countdown_becomes_an_absolute_eta_header()
    {
        var m = await SendAndDecodeAsync(new TaskSendOptions { Countdown = TimeSpan.FromSeconds(30) });

        m.Eta.Should().Be(Now.AddSeconds(30));
        m.Expires.Should().BeNull();
    }

    [Fact]
    public async Task Eta_is_written_as_is_with_an_offset()
    {
        var eta = new DateTimeOffset(2030, 6, 7, 8, 9, 10, TimeSpan.FromHours(2));

        var m = await SendAndDecodeAsync(new TaskSendOptions { Eta = eta });

        m.Eta.Should().Be(eta);
    }

    [Fact]
    public async Task Relative_expiry_sets_the_expires_header_and_the_expiration_property_in_milliseconds()
    {
        var m = await SendAndDecodeAsync(new TaskSendOptions { ExpiresIn = TimeSpan.FromSeconds(90) });

        m.Expires.Should().Be(Now.AddSeconds(90));
        m.Properties.Expiration.Should().Be("90000");
    }

    [Fact]
    public async Task Absolute_expiry_sets_remaining_milliseconds_and_a_past_expiry_is_clamped_to_zero()
    {
        var future = await SendAndDecodeAsync(new TaskSendOptions { Expires = Now.AddMinutes(2) });
        var past = await SendAndDecodeAsync(new TaskSendOptions { Expires = Now.AddMinutes(-2) });

        future.Expires.Should().Be(Now.AddMinutes(2));
        future.Properties.Expiration.Should().Be("120000");
        past.Properties.Expiration.Should().Be("0");
    }

    [Fact]
    public async Task The_raw_eta_and_expires_headers_are_isoformat_with_offset()
    {
        await _add.ApplyAsync(1, 2, options: new TaskSendOptions { Countdown = TimeSpan.FromSeconds(1), ExpiresIn = TimeSpan.FromSeconds(2) });
        var consumer = await _h.App.Transport.ConsumeAsync(["celery"]);
        var delivery = (await consumer.ReceiveAsync(1, CancellationToken.None)).Single();

        delivery.Message!.Headers["eta"]!.GetValue<string>().Should().Be("2030-01-02T03:04:06+00:00");
        delivery.Message.Headers["expires"]!.GetValue<string>().Should().Be("2030-01-02T03:04:07+00:00");
        await consumer.DisposeAsync();
    }

    [Fact]
    public async Task Priority_comes_from_the_send_then_the_task_then_the_app_default()
    {
        await using var h = TestHarness.Create(o => o.DefaultPriority = 3);
        var plain = h.App.Task("p.plain", () => 1);
        var preferred = h.App.Task("p.preferred", () => 1, o => o.Priority = 7);

        await plain.ApplyAsync(options: new TaskSendOptions { Priority = 9 });
        await preferred.ApplyAsync();
        await plain.ApplyAsync();

        var priorities = (await h.DrainAsync("celery")).Select(m => m.Message.Properties.Priority);
        priorities.Should().Equal(9, 7, 3);
    }

    [Fact]
    public async Task Queue_option_puts_the_message_in_that_queue_and_a_worker_on_it_runs_it()
    {
        var r = await _add.ApplyAsync(20, 22, options: new TaskSendOptions { Queue = "elsewhere" });

        _h.Broker.Depth("elsewhere").Should().Be(1);
        _h.Broker.Depth("celery").Should().Be(0);

        var (_, signals) = await _h.StartWorkerAsync(w => w.Queues = ["elsewhere"]);
        await signals.CompletedAsync(r.Id);
        (await r.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(42);
        _h.Broker.Depth("elsewhere").Should().Be(0);
    }

    [Fact]
    public async Task Custom_headers_reach_the_task_as_TaskContext_Headers()
    {
        var seen = _h.App.Task("s.headers", (TaskContext ctx) => ctx.Headers.ToJsonString());
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await seen.ApplyAsync(options: new TaskSendOptions
        {
            Headers = new Dictionary<string, object?> { ["tenant"] = "acme", ["trace"] = new[] { 1, 2 } },
        });

        (await r.GetAsync(TimeSpan.FromSeconds(10))).Should().Be("""{"tenant":"acme","trace":[1,2]}""");
    }

    [Fact]
    public async Task Shadow_ignore_result_and_time_limits_are_written_to_the_headers()
    {
        var m = await SendAndDecodeAsync(new TaskSendOptions
        {
            Shadow = "display-name",
            IgnoreResult = true,
            TimeLimit = TimeSpan.FromSeconds(60),
            SoftTimeLimit = TimeSpan.FromSeconds(1.5),
        });

        m.Shadow.Should().Be("display-name");
        m.IgnoreResult.Should().BeTrue();
        m.TimeLimits.Hard.Should().Be(60);
        m.TimeLimits.Soft.Should().Be(1.5);
    }

    [Fact]
    public async Task A_task_sent_from_inside_a_task_carries_parent_and_root_ids()
    {
        string? childId = null;
        var child = _h.App.Task("s.child", () => 1);
        var parent = _h.App.Task("s.parent", async (TaskContext ctx) =>
        {
            childId = (await child.ApplyAsync(options: new TaskSendOptions { Queue = "children" })).Id;
            return ctx.TaskId;
        });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await parent.DelayAsync();
        await signals.CompletedAsync(r.Id);

        var m = (await _h.DrainAsync("children")).Single().Message;
        m.Id.Should().Be(childId);
        m.ParentId.Should().Be(r.Id);
        m.RootId.Should().Be(r.Id);
    }
}
