using Celeriac.Control;
using Celeriac.RabbitMQ.Tests.Infrastructure;

namespace Celeriac.RabbitMQ.Tests.Worker;

/// <summary>Two workers made from one app (different node names) each answer control as soon as their <c>StartAsync</c> returned, on RabbitMQ.</summary>
public sealed class RabbitMqTwoWorkersOneAppTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [RabbitMqFact]
    public async Task Both_workers_of_one_app_answer_every_ping_from_the_moment_they_started()
    {
        for (var round = 0; round < 20; round++)
        {
            await using var app = CeleriacApp.Create(o =>
            {
                o.BrokerUrl = rabbit.Url;
                o.ResultBackend = $"memory://two-workers-{round}";
                o.UseRabbitMq();
            });
            await using var first = app.CreateWorker(w => w.Hostname = $"one-{round}@test");
            await using var second = app.CreateWorker(w => w.Hostname = $"two-{round}@test");
            await Task.WhenAll(first.StartAsync(), second.StartAsync());
            var replies = await app.Control.PingAsync(new ControlCallOptions { Timeout = TimeSpan.FromSeconds(5), Limit = 2 });
            replies.Keys.Should().BeEquivalentTo([$"one-{round}@test", $"two-{round}@test"], $"round {round}");
        }
    }
}
