using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Celeriac.Tests.Hosting;

/// <summary>The health checks AddCeleriac, AddWorker and AddBeat register, on the in-memory broker.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Broker_backend_worker_and_beat_are_healthy_with_their_names_and_tags()
    {
        using var host = HostingTestBed.Build(b => b.Configure(o => o.BeatScheduleFilename = null).AddWorker().AddBeat());
        await host.StartAsync();

        var report = await host.HealthyAsync();
        Assert.Equal(["celeriac-backend", "celeriac-beat", "celeriac-broker", "celeriac-worker"], report.Entries.Keys.Order());
        Assert.Equal(["celeriac", "ready"], report.Entries["celeriac-broker"].Tags);
        Assert.Equal(["celeriac", "ready"], report.Entries["celeriac-backend"].Tags);
        Assert.Equal(["celeriac", "live", "ready"], report.Entries["celeriac-worker"].Tags);
        Assert.Equal(["celeriac", "ready"], report.Entries["celeriac-beat"].Tags);
        Assert.Equal(0L, report.Entries["celeriac-broker"].Data["depth"]);
        Assert.Equal(true, report.Entries["celeriac-beat"].Data["leader"]);

        // The liveness probe asks the worker alone.
        var live = await host.HealthAsync("live");
        Assert.Equal(["celeriac-worker"], live.Entries.Keys);
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_a_result_backend_there_is_no_backend_check()
    {
        using var host = HostingTestBed.Build(_ => { }, backend: false);
        await host.StartAsync();
        var report = await host.HealthyAsync();
        Assert.Equal(["celeriac-broker"], report.Entries.Keys);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_standby_beat_is_healthy_and_not_the_leader()
    {
        var memory = HostingTestBed.PrivateMemory();
        using var leader = HostingTestBed.Build(b => b.Configure(o => o.BeatScheduleFilename = null).AddBeat(), memory);
        await leader.StartAsync();
        Assert.Equal(true, (await leader.HealthyAsync()).Entries["celeriac-beat"].Data["leader"]);

        using var standby = HostingTestBed.Build(b => b.Configure(o => o.BeatScheduleFilename = null).AddBeat(), memory);
        await standby.StartAsync();
        var beat = (await standby.HealthyAsync()).Entries["celeriac-beat"];
        Assert.Equal(false, beat.Data["leader"]);
        Assert.Contains("standing by", beat.Description);
        await standby.StopAsync();
        await leader.StopAsync();
    }

    [Fact]
    public async Task A_worker_is_unhealthy_before_the_host_starts_and_once_it_stops()
    {
        using var host = HostingTestBed.Build(b => b.AddWorker());
        var before = (await host.HealthAsync("live")).Entries["celeriac-worker"];
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not created yet", before.Description);

        await host.StartAsync();
        await host.HealthyAsync("live");
        await host.StopAsync();
        var after = (await host.HealthAsync("live")).Entries["celeriac-worker"];
        Assert.Equal(HealthStatus.Unhealthy, after.Status);
        Assert.Contains("stopping", after.Description);
    }

    [Fact]
    public async Task A_worker_busy_with_every_slot_taken_is_still_alive()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = HostingTestBed.Build(b => b
            .AddTask("busy.one", async () =>
            {
                started.TrySetResult();
                await release.Task;
            })
            .AddWorker(w => { w.Concurrency = 1; w.PrefetchMultiplier = 1; }));
        await host.StartAsync();
        var app = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<CeleriacApp>(host.Services);
        await app.GetTask("busy.one").DelayAsync();
        await started.Task.WaitAsync(HostingTestBed.Wait);

        var report = await host.HealthyAsync("live");
        Assert.Contains("1 task(s) running", report.Entries["celeriac-worker"].Description);
        release.SetResult();
        await host.StopAsync();
    }

    [Fact]
    public async Task A_worker_idle_on_an_empty_queue_for_hours_is_alive()
    {
        var clock = new Celeriac.Testing.VirtualClock();
        using var host = HostingTestBed.Build(b => b.Configure(o => o.TimeProvider = clock).AddWorker(w => w.SendEvents = false));
        await host.StartAsync();
        await host.HealthyAsync("live");

        // No heartbeat (events off), no message: the blocking receive is the sign of life.
        clock.Advance(TimeSpan.FromHours(3));
        var live = (await host.HealthAsync("live")).Entries["celeriac-worker"];
        Assert.Equal(HealthStatus.Healthy, live.Status);
        Assert.Contains("consuming", live.Description);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_worker_whose_fetch_loop_hangs_is_reported_stuck()
    {
        var clock = new Celeriac.Testing.VirtualClock();
        using var host = HostingTestBed.Build(b => b.Configure(o => o.TimeProvider = clock).AddTask("stuck.one", () => 1).AddWorker(w => w.SendEvents = false));
        await host.StartAsync();
        await host.HealthyAsync("live");
        var worker = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetServices<Celeriac.Hosting.CeleriacWorkerService>(host.Services).Single().Worker!;
        // A signal handler runs on the fetch loop: blocking it hangs the loop while it hands out a batch.
        using var hang = new ManualResetEventSlim();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Signals.Raised += signal =>
        {
            if (signal.Kind != Celeriac.Worker.WorkerSignalKind.Received) return;
            hanging.TrySetResult();
            hang.Wait();
        };
        var app = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<CeleriacApp>(host.Services);
        await app.GetTask("stuck.one").DelayAsync();
        await hanging.Task.WaitAsync(HostingTestBed.Wait);

        Assert.Equal(HealthStatus.Healthy, (await host.HealthAsync("live")).Status); // a moment in a step is fine
        try
        {
            await Task.Run(() => clock.Advance(TimeSpan.FromMinutes(2))).WaitAsync(HostingTestBed.Wait);
            var live = (await host.HealthAsync("live")).Entries["celeriac-worker"];
            Assert.Equal(HealthStatus.Unhealthy, live.Status);
            Assert.Contains("is stuck: its fetch loop has been handing out one batch for 120 s", live.Description);
        }
        finally
        {
            hang.Set();
        }
        await host.StopAsync();
    }

    [Fact]
    public async Task A_beat_whose_loop_hangs_is_reported_stuck()
    {
        var clock = new Celeriac.Testing.VirtualClock();
        using var host = HostingTestBed.Build(b => b.Configure(o => { o.TimeProvider = clock; o.BeatScheduleFilename = null; }).AddBeat());
        await host.StartAsync();
        await host.HealthyAsync();
        var beat = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetServices<Celeriac.Hosting.CeleriacBeatService>(host.Services).Single().Beat!;
        // A signal handler runs on the loop: blocking it at the next sleep hangs the loop.
        using var hang = new ManualResetEventSlim();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        beat.Signals.Raised += signal =>
        {
            if (signal.Kind != Celeriac.Beat.BeatSignalKind.Sleeping) return;
            hanging.TrySetResult();
            hang.Wait();
        };
        // Off the test's thread: a timer's continuation may run the loop inline, into the hang.
        _ = Task.Run(() => clock.Advance(TimeSpan.FromSeconds(1))); // wake it for one cycle, which ends in the hang
        try { await hanging.Task.WaitAsync(HostingTestBed.Wait); }
        catch { hang.Set(); throw; }

        try
        {
            await Task.Run(() => clock.Advance(TimeSpan.FromMinutes(2))).WaitAsync(HostingTestBed.Wait);
            var entry = (await host.HealthAsync()).Entries["celeriac-beat"];
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains("is stuck: no cycle finished for 12", entry.Description);
        }
        finally
        {
            hang.Set();
        }
        await host.StopAsync();
    }
}
