using Celeriac.Control;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Control;

/// <summary>Two workers made from one app (different node names) each answer control as soon as their <c>StartAsync</c> returned.</summary>
public sealed class TwoWorkersOneAppMailboxTests
{
    [Fact]
    public async Task Both_workers_of_one_app_answer_every_ping_from_the_moment_they_started()
    {
        for (var round = 0; round < 20; round++)
        {
            await using var harness = TestHarness.Create();
            await using var first = harness.App.CreateWorker(w => w.Hostname = $"one-{round}@test");
            await using var second = harness.App.CreateWorker(w => w.Hostname = $"two-{round}@test");
            await Task.WhenAll(first.StartAsync(), second.StartAsync());
            var replies = await harness.App.Control.PingAsync(new ControlCallOptions { Timeout = TimeSpan.FromSeconds(5), Limit = 2 });
            replies.Keys.Should().BeEquivalentTo([$"one-{round}@test", $"two-{round}@test"], $"round {round}");
        }
    }
}
