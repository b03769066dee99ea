using Celeriac.Control;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>
/// Two workers made from one <see cref="CeleriacApp"/> (different node names) each answer control as soon as
/// their <c>StartAsync</c> returned — through the command line and through the app's own control client.
/// </summary>
public sealed class TwoWorkersOneAppTests
{
    private const int Rounds = 20;

    [RedisFact]
    public async Task Both_workers_of_one_app_answer_every_ping_from_the_moment_they_started()
    {
        await using var redis = await RedisServer.StartAsync();
        for (var round = 0; round < Rounds; round++)
        {
            await using var app = CeleriacApp.Create(o =>
            {
                o.BrokerUrl = redis.Url();
                o.UseRedis();
            });
            await using var first = app.CreateWorker(w => w.Hostname = $"one-{round}@test");
            await using var second = app.CreateWorker(w => w.Hostname = $"two-{round}@test");
            await Task.WhenAll(first.StartAsync(), second.StartAsync());
            var replies = await app.Control.PingAsync(new ControlCallOptions { Timeout = TimeSpan.FromSeconds(2), Limit = 2 });
            replies.Keys.Should().BeEquivalentTo([$"one-{round}@test", $"two-{round}@test"], $"round {round}");
            // -d names both, so the command returns at the second reply instead of waiting out the timeout.
            var cli = await CliRun.RunAsync("status", "-b", redis.Url(), "--json", "-t", "2", "-d", $"one-{round}@test,two-{round}@test");
            cli.Output.Should().Contain($"one-{round}@test").And.Contain($"two-{round}@test", $"round {round}: {cli}");
        }
    }
}
