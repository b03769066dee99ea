using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>
/// A Python worker and a Celeriac worker in one virtual host, with <c>task_queue_max_priority</c>
/// set on both, started in each order: each declares what the other declares (queue flags and
/// arguments, exchange, binding, as rabbitmqctl lists them), so neither gets a 406
/// PRECONDITION_FAILED from the other's declarations, and both consume the queue.
/// </summary>
public sealed class AmqpTopologyParityTests(AmqpInteropCluster cluster, ITestOutputHelper output) : IClassFixture<AmqpInteropCluster>
{
    private const string Queue = "parity";

    [AmqpInteropFact]
    public async Task Both_workers_declare_the_same_and_share_one_vhost_in_either_start_order()
    {
        var declaredAlone = new Dictionary<string, string>();
        foreach (var first in new[] { "python", "celeriac" })
        {
            var virtualHost = await cluster.NewVirtualHostAsync();
            var endpoints = cluster.EndpointsFor(virtualHost);
            await using var one = await StartAsync(first, endpoints);
            declaredAlone[first] = await cluster.DeclarationsAsync(virtualHost, Queue);
            await using var other = await StartAsync(first == "python" ? "celeriac" : "python", endpoints);

            (await cluster.DeclarationsAsync(virtualHost, Queue)).Should().Be(declaredAlone[first], "the second worker declared the same, changing nothing");
            var consumers = (await cluster.Rabbit.ListAsync("queues", virtualHost, "name", "consumers")).Single(r => r[0] == Queue)[1];
            consumers.Should().Be("2", $"both consume after starting {first} first\n{one.Describe()}\n{other.Describe()}");
            var key = $"record:parity:{first}";
            var ids = await new PythonClient(endpoints).SendManyAsync(Enumerable.Range(0, 40).Select(i => (object)new { name = "interop.record", args = new object[] { key, $"t{i}" }, queue = Queue }));
            await cluster.WaitAllSucceededAsync(ids, TimeSpan.FromSeconds(30), () => one.Describe() + "\n" + other.Describe());
            foreach (var worker in new[] { one, other })
            {
                worker.HasExited.Should().BeFalse(worker.Describe());
                worker.Output.Should().NotContain("PRECONDITION_FAILED", "no 406 from the other side's declarations");
            }
            var byPython = (await cluster.Records.ListAsync("LRANGE", key + ":python", "0", "-1")).Count;
            output.WriteLine($"{first} first: {byPython} of 40 ran on the Python worker\n{declaredAlone[first]}");
        }

        declaredAlone["celeriac"].Should().Be(declaredAlone["python"], "a Celeriac worker alone declares exactly what Celery 5.2.6 declares");
        declaredAlone["python"].Should().Contain("x-max-priority");
    }

    private static async Task<ManagedProcess> StartAsync(string kind, Endpoints endpoints) => kind == "python"
        ? await PythonWorker.StartAsync(endpoints, [Queue])
        : await CeleriacWorkerProcess.StartAsync(endpoints, [Queue], "--concurrency", "2");
}
