using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// A second worker made from the app whose worker is already running (the case of issue 15: "the second's mailbox did
/// not answer a ping once") answers the command line as soon as its <c>StartAsync</c> returned, and a remote shutdown
/// of it leaves the first answering. A fixture of its own: the test stops workers.
/// </summary>
public sealed class SecondWorkerOfTheAppTests(CliCluster cluster) : IClassFixture<CliCluster>
{
    [RedisFact]
    public async Task A_second_worker_of_the_running_app_answers_once_started_and_its_shutdown_leaves_the_first_answering()
    {
        for (var round = 0; round < 10; round++)
        {
            var node = $"second-{round}@test";
            var second = cluster.App.CreateWorker(w => w.Hostname = node);
            await using (second)
            {
                await second.StartAsync();
                var status = await CliRun.RunAsync("status", "-d", $"{CliCluster.Node},{node}", "-t", "1", "-b", cluster.BrokerUrl);
                status.Output.Should().Contain($"->  {node}: OK").And.Contain($"->  {CliCluster.Node}: OK", $"round {round}: {status}");

                var shutdown = await CliRun.RunAsync("control", "shutdown", "-d", node, "-t", "0.3", "-b", cluster.BrokerUrl);
                shutdown.ExitCode.Should().Be(3, shutdown.ToString());
                await second.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            var first = await CliRun.RunAsync("status", "-d", CliCluster.Node, "-t", "1", "-b", cluster.BrokerUrl);
            first.ExitCode.Should().Be(0, $"round {round}: {first}");
        }
    }
}
