using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Configuration;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Celeriac.Tests;

/// <summary>
/// A message over <see cref="CeleriacOptions.WorkerMaxMessageSize"/>, as received or as inflated,
/// is rejected (never requeued) with the reason logged, and the worker goes on.
/// </summary>
public sealed class MessageSizeLimitTests : IAsyncLifetime
{
    private const int Limit = 1024 * 1024;
    private readonly CapturedLogs _logs = new();
    private readonly TestHarness _h;
    private readonly Tasks.CeleriacTask<string, int> _length;

    public MessageSizeLimitTests()
    {
        _h = TestHarness.Create(o =>
        {
            o.LoggerFactory = _logs;
            o.WorkerMaxMessageSize = Limit;
        });
        _length = _h.App.Task("size.length", (string text) => text.Length);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static StoredMessage Message(string id, byte[] body, bool compressed)
    {
        var headers = new JsonObject { ["task"] = "size.length", ["id"] = id };
        if (compressed) headers["compression"] = "application/x-gzip";
        return new StoredMessage(new BrokerMessage(headers, new MessageProperties(), body), DeliveryInfo.ToQueue("celery"), Guid.NewGuid().ToString());
    }

    private static byte[] Body(int length) => Encoding.ASCII.GetBytes("[[\"" + new string('y', length) + "\"], {}, {}]");

    private static byte[] Zlib(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal)) z.Write(body);
        return buffer.ToArray();
    }

    [Fact]
    public async Task Oversized_and_over_inflating_messages_are_rejected_with_the_reason_logged_and_the_worker_goes_on()
    {
        _h.Broker.Enqueue("celery", Message("too-big", Body(2 * Limit), compressed: false));
        _h.Broker.Enqueue("celery", Message("bomb", Zlib(Body(64 * Limit)), compressed: true));
        var small = Message("fits", Zlib(Body(Limit / 2)), compressed: true);
        _h.Broker.Enqueue("celery", small);
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);

        var rejected = await signals.RejectionsAsync(2);
        await signals.CompletedAsync("fits");

        rejected.Select(r => r.Reason).Should().SatisfyRespectively(
            r => r.Should().Contain($"over the {Limit}-byte limit"),
            r => r.Should().Contain($"inflates past the {Limit}-byte limit"));
        _h.Broker.DeadLetters.Should().HaveCount(2, "rejected, not requeued");
        _h.Broker.Depth("celery").Should().Be(0);
        (await _h.StoredAsync("fits")).Result!.GetValue<int>().Should().Be(Limit / 2);
        _logs.Lines.Where(l => l.Contains("-byte limit", StringComparison.Ordinal)).Should().HaveCount(2);
    }

    [Fact]
    public void The_limit_has_a_default_binds_from_configuration_and_reaches_the_worker()
    {
        CeleriacApp.Create().Options.WorkerMaxMessageSize.Should().Be(256L * 1024 * 1024);
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["worker_max_message_size"] = "0" }).Build();
        var options = new CeleriacOptions();
        CeleriacConfiguration.Bind(options, config);
        options.WorkerMaxMessageSize.Should().Be(0, "0 means no limit");
        _h.App.CreateWorker().Options.MaxMessageSize.Should().Be(Limit);
    }

    [Fact]
    public async Task A_huge_message_its_context_and_its_argument_are_not_kept_once_it_is_done()
    {
        WeakReference? message = null, argument = null;
        _h.App.Task("size.held", (string text) =>
        {
            message = new WeakReference(TaskContext.Current!.Message);
            argument = new WeakReference(text);
            return text.Length;
        });
        var (_, signals) = await _h.StartWorkerAsync(w => w.Concurrency = 1);
        var huge = Message("huge", Zlib(Body(Limit - 64)), compressed: true);
        huge.Message!.Headers["task"] = "size.held";
        _h.Broker.Enqueue("celery", huge);
        await signals.CompletedAsync("huge");

        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);

        message!.IsAlive.Should().BeFalse("nothing holds a settled message");
        argument!.IsAlive.Should().BeFalse();
    }
}
