using System.Text.Json.Nodes;
using Celeriac.Events;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// A Python worker (<c>-E</c>) and a Celeriac worker (<c>--events</c>) in one virtual host, started in each
/// order: their mailbox queues on <c>celery.pidbox</c>, the events they publish to <c>celeryev</c> and
/// the replies they send through <c>reply.celery.pidbox</c> are declared alike (docs/protocol.md §3.1), so
/// neither gets a 406 PRECONDITION_FAILED; <c>celery inspect ping</c> and <c>app.Control</c> get both
/// answers and a Celeriac event receiver hears both workers' heartbeats.
/// </summary>
public sealed class AmqpMixedWorkersControlTests(AmqpInteropCluster cluster) : IClassFixture<AmqpInteropCluster>
{
    [AmqpInteropTheory]
    [InlineData("python")]
    [InlineData("celeriac")]
    public async Task Both_workers_answer_control_and_send_events_in_either_start_order(string first)
    {
        var endpoints = cluster.EndpointsFor(await cluster.NewVirtualHostAsync());
        await using var one = await StartAsync(first, endpoints);
        await using var other = await StartAsync(first == "python" ? "celeriac" : "python", endpoints);
        var (python, celeriac) = first == "python" ? (one, other) : (other, one);
        var celeriacNode = ControlWorkers.NodeOf(celeriac);
        string Context() => python.Describe() + "\n" + celeriac.Describe();

        var (code, json, output) = await new CeleryCli(endpoints).RunAsync("inspect", "ping", "--json", "-t", "5");
        code.Should().Be(0, output);
        var replies = json.Should().BeOfType<JsonObject>(output).Subject;
        replies.Should().HaveCount(2, output);
        replies[celeriacNode].Text().Should().Be("""{"ok":"pong"}""", output);
        var pythonNode = replies.Select(r => r.Key).Single(n => n != celeriacNode);
        replies[pythonNode].Text().Should().Be("""{"ok":"pong"}""", output);

        await using var app = CeleriacApp.Create(o => { o.UseRabbitMq(); o.BrokerUrl = endpoints.BrokerUrl; });
        var pongs = await app.Control.PingAsync(new Control.ControlCallOptions { Timeout = TimeSpan.FromSeconds(5) });
        pongs.Keys.Should().BeEquivalentTo([pythonNode, celeriacNode]);
        pongs.Values.Should().OnlyContain(p => p.Ok == "pong");

        await using var receiver = await EventReceiver.OpenAsync(app, "worker.#");
        var heard = new HashSet<string>();
        using var listening = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var e in receiver.ReadAllAsync(listening.Token))
        {
            if (e.Type == "worker-heartbeat") heard.Add(e.Hostname);
            if (heard.Contains(pythonNode) && heard.Contains(celeriacNode)) break;
        }
        heard.Should().Contain([pythonNode, celeriacNode], Context());
        foreach (var worker in new[] { python, celeriac })
        {
            worker.HasExited.Should().BeFalse(worker.Describe());
            worker.Output.Should().NotContain("PRECONDITION_FAILED", "no 406 from the other side's declarations");
        }
    }

    private static async Task<ManagedProcess> StartAsync(string kind, Endpoints endpoints) => kind == "python"
        ? await PythonWorker.StartAsync(endpoints, [$"mixed.py"], events: true)
        : await CeleriacWorkerProcess.StartAsync(endpoints, ["mixed.cx"], "--events");
}
