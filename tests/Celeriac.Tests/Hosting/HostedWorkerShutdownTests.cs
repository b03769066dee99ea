using System.Diagnostics;
using Celeriac.Hosting;
using Celeriac.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Tests.Hosting;

/// <summary>The hosted worker stops with the host in Celery's stages, within the host's shutdown timeout, losing nothing.</summary>
public sealed class HostedWorkerShutdownTests
{
    private static CeleriacWorker Worker(IHost host) => host.Services.GetServices<CeleriacWorkerService>().Single().Worker!;

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + HostingTestBed.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not met in time");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_task_running_when_the_host_stops_finishes_in_the_warm_stage()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = HostingTestBed.Build(b => b
            .AddTask("stop.warm", async () =>
            {
                started.SetResult();
                await release.Task;
                return "done";
            })
            .AddWorker());
        await host.StartAsync();
        var app = host.Services.GetRequiredService<CeleriacApp>();
        var result = await app.GetTask("stop.warm").DelayAsync();
        await started.Task.WaitAsync(HostingTestBed.Wait);

        var stop = host.StopAsync();
        await UntilAsync(() => Worker(host).Health().Stopping);
        Assert.False(stop.IsCompleted); // waiting for the running task
        release.SetResult();
        await stop.WaitAsync(HostingTestBed.Wait);

        var meta = await result.WaitAsync(HostingTestBed.Wait);
        Assert.Equal("SUCCESS", meta.Status);
        Assert.Equal("done", meta.Result!.GetValue<string>());
    }

    [Fact]
    public async Task A_late_ack_task_that_ignores_cancellation_is_requeued_and_the_host_stops_within_its_timeout()
    {
        var memory = HostingTestBed.PrivateMemory();
        var timeout = TimeSpan.FromSeconds(2);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string id;
        using (var host = HostingTestBed.Build(b => b
                   .AddTask("stop.stubborn", async (CancellationToken _) =>
                   {
                       started.TrySetResult();
                       await never.Task; // ignores its token
                       return "first";
                   }, o => o.AcksLate = true)
                   .AddWorker(), memory, shutdownTimeout: timeout))
        {
            await host.StartAsync();
            var app = host.Services.GetRequiredService<CeleriacApp>();
            id = (await app.GetTask("stop.stubborn").DelayAsync()).Id;
            await started.Task.WaitAsync(HostingTestBed.Wait);

            var clock = Stopwatch.StartNew();
            await host.StopAsync();
            clock.Stop();
            Assert.True(clock.Elapsed < timeout + TimeSpan.FromMilliseconds(500), $"the host took {clock.Elapsed} to stop (timeout {timeout})");
            Assert.Equal(1, await app.Transport.GetQueueDepthAsync("celery")); // given back, not lost
        }
        never.SetResult();

        // Nothing lost: the next worker on the broker runs it.
        using var next = HostingTestBed.Build(b => b.AddTask("stop.stubborn", () => "second", o => o.AcksLate = true).AddWorker(), memory);
        await next.StartAsync();
        var meta = await next.Services.GetRequiredService<CeleriacApp>().Result(id).WaitAsync(HostingTestBed.Wait);
        Assert.Equal("SUCCESS", meta.Status);
        Assert.Equal("second", meta.Result!.GetValue<string>());
        await next.StopAsync();
    }

    [Fact]
    public async Task An_early_ack_task_that_ignores_cancellation_is_recorded_lost_so_no_one_waits_forever()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = HostingTestBed.Build(b => b
            .AddTask("stop.early", async () =>
            {
                started.TrySetResult();
                await never.Task;
            })
            .AddWorker(), shutdownTimeout: TimeSpan.FromSeconds(1));
        await host.StartAsync();
        var app = host.Services.GetRequiredService<CeleriacApp>();
        var result = await app.GetTask("stop.early").DelayAsync();
        await started.Task.WaitAsync(HostingTestBed.Wait);

        await host.StopAsync();
        var meta = await result.WaitAsync(HostingTestBed.Wait);
        Assert.Equal("FAILURE", meta.Status);
        Assert.Contains("WorkerLostError", meta.Result!.ToJsonString());
        never.SetResult();
    }

    [Theory]
    [InlineData(30, 23, 5)]      // the defaults: 2 s kept for the cold stage
    [InlineData(1, 0.72, 0.18)]  // a short timeout: the grace gets a fifth of what is left
    [InlineData(120, 30, 5)]     // room to spare: the worker's own settings stand
    public void The_stop_stages_fit_in_the_host_timeout(double hostSeconds, double warm, double grace)
    {
        var options = new WorkerOptions { ShutdownTimeout = TimeSpan.FromSeconds(30), CancelGracePeriod = TimeSpan.FromSeconds(5) };
        ShutdownBudget.Fit(options, TimeSpan.FromSeconds(hostSeconds));
        Assert.Equal(TimeSpan.FromSeconds(warm), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(grace), options.CancelGracePeriod);
        Assert.True(options.ShutdownTimeout + options.CancelGracePeriod + ShutdownBudget.Reserve(TimeSpan.FromSeconds(hostSeconds)) <= TimeSpan.FromSeconds(hostSeconds));
    }

    [Fact]
    public void An_infinite_host_timeout_leaves_the_stages_as_set()
    {
        var options = new WorkerOptions { ShutdownTimeout = Timeout.InfiniteTimeSpan, CancelGracePeriod = TimeSpan.FromSeconds(5) };
        ShutdownBudget.Fit(options, Timeout.InfiniteTimeSpan);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.ShutdownTimeout);
    }
}
