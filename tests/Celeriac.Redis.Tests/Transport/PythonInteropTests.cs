using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Compliance;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Tests.Transport.Support;
using Celeriac.Redis.Transport;
using Celeriac.Transport;

namespace Celeriac.Redis.Tests.Transport;

/// <summary>
/// Python Celery 5.2.6 / kombu 5.2.4 on the same Redis (and the same <c>global_keyprefix</c>): tasks
/// Python sends are ours to run, and each side's visibility sweep restores the other's messages
/// when a consumer died holding them (docs/protocol.md §2.4). The Python side is <c>python/kombu_peer.py</c>.
/// </summary>
public sealed class PythonInteropTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly string _prefix = TestTransports.NewPrefix();
    private Client.RedisClient _raw = null!;

    private string Url => redis.Server.Url();

    public Task InitializeAsync()
    {
        _raw = TestTransports.Client(redis.Server);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _raw.DisposeAsync();

    [KombuPeerFact]
    public async Task Tasks_python_sends_are_received_and_recorded_as_kombu_records_them()
    {
        var plain = await KombuPeer.RunAsync("send-tasks", Url, "py_q", "2", "--prefix", _prefix);
        var urgent = await KombuPeer.RunAsync("send-tasks", Url, "py_q", "1", "--prefix", _prefix, "--priority", "5");
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var consumer = await transport.ConsumeAsync(["py_q"]);

        var received = await consumer.ReceiveExactlyAsync(3, Timeout);

        received.Select(ComplianceMessages.IdOf).Should().Equal(plain.Concat(urgent).Select(p => p["id"]!.GetValue<string>()));
        received.Should().OnlyContain(d => d.Malformed == null && !d.Redelivered);
        var task = TaskMessageCodec.Decode(received[1].Message!, [ContentTypes.Json]);
        task.Task.Should().Be("interop.add");
        task.Args.ToJsonString().Should().Be("[1,1]");
        received[2].Message!.Properties.Priority.Should().Be(5);
        foreach (var delivery in received)
        {
            var entry = JsonNode.Parse((await _raw.RunAsync("HGET", _prefix + "unacked", delivery.DeliveryTag)).AsString()!)!.AsArray();
            entry[1]!.GetValue<string>().Should().Be(delivery.Route.Exchange);
            entry[2]!.GetValue<string>().Should().Be("py_q");
        }
        await consumer.SettleAllAsync(received, SettleAction.Ack);
        (await _raw.RunAsync("EXISTS", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }

    [KombuPeerFact]
    public async Task Our_sweep_restores_what_a_dead_python_consumer_left_in_unacked()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix, ("visibility_timeout", "1"));
        var sent = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var message = ComplianceMessages.Task(i);
            await transport.PublishAsync(message, DeliveryInfo.ToQueue("dies_q"));
            sent.Add(ComplianceMessages.IdOf(message));
        }

        var taken = (await KombuPeer.RunAsync("pop-and-die", Url, "dies_q", "--prefix", _prefix)).Single();
        taken["id"]!.GetValue<string>().Should().Be(sent[0]);
        (await _raw.RunAsync("HLEN", _prefix + "unacked")).AsInt64().Should().Be(1, "Python recorded it and died without acking");
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var consumer = await transport.ConsumeAsync(["dies_q"]); // sweeps on start

        var received = await consumer.ReceiveExactlyAsync(2, Timeout);

        received.Select(ComplianceMessages.IdOf).Should().Equal(sent, "the restored message goes to the front");
        received.Select(d => d.Redelivered).Should().Equal(true, false);
        received[0].DeliveryTag.Should().Be(taken["delivery_tag"]!.GetValue<string>(), "a restore keeps the delivery tag, as kombu's does");
        await consumer.SettleAllAsync(received, SettleAction.Ack);
        (await _raw.RunAsync("EXISTS", _prefix + "unacked", _prefix + "unacked_index")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync();
    }

    [KombuPeerFact]
    public async Task Python_restores_what_our_dead_consumer_left_and_our_late_restore_does_not_double_it()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var sent = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var message = ComplianceMessages.Task(i);
            message.Properties.Priority = i == 0 ? 4 : 0;
            await transport.PublishAsync(message, DeliveryInfo.ToQueue("ours_q"));
            sent.Add(ComplianceMessages.IdOf(message));
        }
        var consumer = await transport.ConsumeAsync(["ours_q"]);
        var held = await consumer.ReceiveOneAsync(Timeout); // step 0 first: the priority-0 message
        ComplianceMessages.IdOf(held).Should().Be(sent[1]);

        // This consumer now hangs (never settles); a Python worker's sweep takes its message back.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await KombuPeer.RunAsync("restore-visible", Url, "--prefix", _prefix, "--visibility-timeout", "1");
        (await _raw.RunAsync("EXISTS", _prefix + "unacked")).AsInt64().Should().Be(0);
        await consumer.DisposeAsync(); // its own restore finds the entry gone and pushes nothing

        var got = await KombuPeer.RunAsync("consume", Url, "ours_q", "2", "--prefix", _prefix);
        got.Select(m => m["id"]!.GetValue<string>()).Should().Equal(sent[1], sent[0]);
        got[0]["headers_redelivered"]!.GetValue<bool>().Should().BeTrue();
        got[0]["delivery_info_redelivered"]!.GetValue<bool>().Should().BeTrue();
        got[0]["delivery_tag"]!.GetValue<string>().Should().Be(held.DeliveryTag);
        got[1]["headers_redelivered"]!.GetValue<bool>().Should().BeFalse();
        got[1]["priority"]!.GetValue<int>().Should().Be(4);
        (await _raw.RunAsync("KEYS", _prefix + "ours_q*")).AsArray().Should().BeEmpty("exactly two messages existed, no duplicate");
    }

    [KombuPeerFact]
    public async Task Python_consumes_what_we_publish_and_what_we_give_back()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var first = ComplianceMessages.Task(1);
        var second = ComplianceMessages.Task(2);
        await transport.PublishAsync(first, DeliveryInfo.ToQueue("to_py"));
        await transport.PublishAsync(second, DeliveryInfo.ToQueue("to_py"));
        var consumer = await transport.ConsumeAsync(["to_py"]);
        var taken = await consumer.ReceiveOneAsync(Timeout);
        await consumer.SettleAsync(taken, SettleAction.Restore);
        await consumer.DisposeAsync();

        var got = await KombuPeer.RunAsync("consume", Url, "to_py", "2", "--prefix", _prefix);

        got.Select(m => m["id"]!.GetValue<string>()).Should().Equal(ComplianceMessages.IdOf(first), ComplianceMessages.IdOf(second));
        got[0]["headers_redelivered"]!.GetValue<bool>().Should().BeTrue();
        got[0]["task"]!.GetValue<string>().Should().Be("compliance.echo");
        got[1]["body"]!.GetValue<string>().Should().Be(Encoding.UTF8.GetString(second.Body.Span));
        got[1]["content_type"]!.GetValue<string>().Should().Be(ContentTypes.Json);
    }

    [KombuPeerFact]
    public async Task Fanout_reaches_python_subscribers_and_python_fanout_reaches_ours()
    {
        await using var transport = TestTransports.Create(redis.Server, _prefix);
        var ours = await transport.SubscribeAsync("celeryev", "worker.#", "celeryev.ours");

        await KombuPeer.RunAsync("fanout-publish", Url, "celeryev", "worker.online", "--prefix", _prefix);
        using (var cts = new CancellationTokenSource(Timeout))
        {
            var fromPython = await ours.ReceiveAsync(cts.Token);
            fromPython!.RoutingKey.Should().Be("worker.online");
            fromPython.Message!.Headers["x_id"]!.GetValue<string>().Should().Be("from-python");
            Encoding.UTF8.GetString(fromPython.Message.Body.Span).Should().Be("""{"from": "python"}""");
        }

        using var python = KombuPeer.Start("fanout-receive", Url, "celeryev", "task.#", "--prefix", _prefix);
        try
        {
            (await python.StandardOutput.ReadLineAsync().WaitAsync(Timeout * 3)).Should().Contain("ready");
            var stderr = python.StandardError.ReadToEndAsync();
            // kombu subscribes on its first poll, after it said ready: publish until it has one.
            var message = ComplianceMessages.Task(5);
            using (var deadline = new CancellationTokenSource(Timeout * 3))
            {
                while (!python.HasExited && !deadline.IsCancellationRequested)
                {
                    await transport.PublishAsync("celeryev", "task.succeeded", message);
                    await Task.WhenAny(python.WaitForExitAsync(), Task.Delay(100));
                }
            }
            python.HasExited.Should().BeTrue(await Task.WhenAny(stderr, Task.Delay(100)) == stderr ? await stderr : "python still running");
            var got = JsonNode.Parse((await python.StandardOutput.ReadToEndAsync()).Trim())!;
            got["routing_key"]!.GetValue<string>().Should().Be("task.succeeded");
            got["exchange"]!.GetValue<string>().Should().Be("celeryev");
            got["headers"]!["id"]!.GetValue<string>().Should().Be(ComplianceMessages.IdOf(message));
            got["body"]![0]![0]!.GetValue<int>().Should().Be(5, "kombu decoded our JSON body");
        }
        finally
        {
            if (!python.HasExited) python.Kill(entireProcessTree: true);
        }
        await ours.DisposeAsync();
    }
}
