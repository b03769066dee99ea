using Celeriac.Worker;

namespace Celeriac.Tests.Control;

/// <summary><c>shutdown</c> (docs/protocol.md §7.5): no reply, ever; the worker stops gracefully, and <c>RunAsync</c> returns.</summary>
public sealed class RemoteShutdownTests
{
    [Fact]
    public async Task Shutdown_sends_no_reply_and_stops_the_worker_gracefully()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await ControlTestBed.StartAsync(register: app =>
            app.Task("tasks.slow", async () => { await release.Task; return 1; }));
        var running = (await bed.Harness.SendAsync("tasks.slow")).Id;
        await bed.Signals.WaitForAsync(WorkerSignalKind.Started, running);

        var replies = bed.Client.CallAsync("shutdown", timeout: TimeSpan.FromMilliseconds(800));
        release.SetResult(); // warm shutdown lets the running task finish

        (await replies).Should().BeEmpty("Celery's shutdown never replies");
        await bed.Signals.WaitForAsync(WorkerSignalKind.Stopped);
        (await bed.Harness.StoredAsync(running)).Status.Should().Be("SUCCESS");
    }

    [Fact]
    public async Task RunAsync_returns_after_a_remote_shutdown()
    {
        await using var bed = await ControlTestBed.StartAsync();
        var run = bed.Worker.RunAsync(CancellationToken.None);

        await bed.Client.CastAsync("shutdown", new System.Text.Json.Nodes.JsonObject { ["msg"] = "bye" });

        await run.WaitAsync(TimeSpan.FromSeconds(15));
        bed.Signals.Of(WorkerSignalKind.Stopped).Should().ContainSingle();
        bed.Logs.Lines.Should().Contain(l => l.Contains("bye"));
    }
}
