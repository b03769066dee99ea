using Celeriac.Memory;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>The publisher declares a queue once; a declare that failed is tried again by the next send.</summary>
public sealed class PublisherDeclareTests
{
    private static (CeleriacApp App, FlakyDeclareTransport Transport, string Name) Create(int failures)
    {
        var name = Guid.NewGuid().ToString("N");
        FlakyDeclareTransport? transport = null;
        var app = CeleriacApp.Create(o =>
        {
            o.BrokerUrl = $"memory://{name}";
            o.ResultBackend = $"memory://{name}";
            o.Providers.AddTransport("memory", c => transport = new FlakyDeclareTransport(InMemoryBroker.Named(c.Url.Host).CreateTransport()) { FailuresLeft = failures });
        });
        _ = app.Transport;
        return (app, transport!, name);
    }

    [Fact]
    public async Task A_send_after_a_failed_declare_declares_again_and_the_task_runs()
    {
        var (app, transport, _) = Create(failures: 1);
        await using var _ = app;
        var add = app.Task("d.add", (int x, int y) => x + y);

        var whileDown = async () => await add.DelayAsync(1, 1);

        await whileDown.Should().ThrowAsync<IOException>().WithMessage("broker unreachable");
        var sent = await add.DelayAsync(2, 2);
        transport.Declares.Should().Be(2, "the second send declared again instead of rethrowing the first failure");
        await using var worker = app.CreateWorker();
        await worker.StartAsync();
        (await sent.GetAsync(TimeSpan.FromSeconds(10))).Should().Be(4);
    }

    [Fact]
    public async Task A_successful_declare_is_done_once_for_many_sends()
    {
        var (app, transport, name) = Create(failures: 0);
        await using var _ = app;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => app.SendTaskAsync("d.any", [i])));
        await app.SendTaskAsync("d.any", [21]);

        transport.Declares.Should().Be(1, "concurrent first sends share one declare and later ones reuse it");
        InMemoryBroker.Named(name).Depth("celery").Should().Be(21);
    }
}
