using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Integration;

/// <summary>
/// A client whose first send to a queue meets a Redis that is down: the send fails with a
/// connection error, and once Redis is back the next send declares the queue, is delivered and
/// runs. Each test stops and restarts its own redis-server.
/// </summary>
public sealed class SendAfterOutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [RedisFact]
    public async Task A_send_while_redis_is_down_fails_clearly_and_a_send_after_it_is_back_runs()
    {
        await using var server = await RedisServer.StartAsync();
        await using var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = server.Url(0);
            o.ResultBackend = server.Url(1);
            o.UseRedis();
        });
        var add = app.Task("outage.add", (int x, int y) => x + y);
        await server.StopAsync();

        var whileDown = async () => await add.DelayAsync(1, 1);

        (await whileDown.Should().ThrowAsync<RedisConnectionException>())
            .Which.Message.Should().Contain(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "the error says which server could not be reached");
        await server.StartAgainAsync();
        // The client reconnects with backoff; a send may still meet the old failure for a moment.
        var sent = await Eventually.SucceedsAsync(async () => await add.DelayAsync(2, 2), Timeout);
        await using var worker = app.CreateWorker(w => w.Concurrency = 1);
        await worker.StartAsync();
        (await sent.GetAsync(Timeout)).Should().Be(4);
    }
}
