using Celeriac.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Tests.Hosting;

/// <summary>Each task run gets one DI scope of its own, disposed when the run ends, whatever its outcome.</summary>
public sealed class TaskScopeTests
{
    private static IHost Host(Action<CeleriacBuilder> tasks) => HostingTestBed.Build(b =>
    {
        tasks(b);
        b.AddWorker(w => w.Concurrency = 2);
    }, services: s => s.AddSingleton<TrackerLog>().AddScoped<ScopedTracker>());

    [Fact]
    public async Task A_delegate_task_gets_a_scoped_service_per_run_disposed_after_it()
    {
        var seen = new List<ScopedTracker>();
        using var host = Host(b => b.AddTask("scope.delegate", (int n, ScopedTracker tracker, ScopedTracker same) =>
        {
            Assert.Same(tracker, same); // two parameters, one scope
            Assert.False(tracker.IsDisposed);
            lock (seen) seen.Add(tracker);
            return tracker.Id;
        }));
        await host.StartAsync();
        var task = host.Services.GetRequiredKeyedService<Celeriac.Tasks.CeleriacTask>("scope.delegate");

        var first = await (await task.DelayAsync(1)).GetAsync<int>(HostingTestBed.Wait);
        var second = await (await task.DelayAsync(2)).GetAsync<int>(HostingTestBed.Wait);

        Assert.NotEqual(first, second);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, t => Assert.True(t.IsDisposed));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_task_class_is_resolved_from_the_run_scope_and_disposed_with_it()
    {
        using var host = Host(b => b.AddTask<ScopedClassTask>());
        await host.StartAsync();
        var app = host.Services.GetRequiredService<CeleriacApp>();
        var log = host.Services.GetRequiredService<TrackerLog>();

        var first = await (await app.GetTask(ScopedClassTask.Name).DelayAsync(20)).GetAsync<int>(HostingTestBed.Wait);
        var second = await (await app.GetTask(ScopedClassTask.Name).ApplyAsync(kwargs: new Dictionary<string, object?> { ["add_to"] = 30 })).GetAsync<int>(HostingTestBed.Wait);

        // Each run: its own class instance with its own tracker (id), the argument bound from args or kwargs.
        Assert.NotEqual(first / 100, second / 100);
        Assert.Equal(20, first % 100);
        Assert.Equal(30, second % 100);
        Assert.Equal(2, log.Disposed.Count);
        Assert.All(log.Disposed.Values, Assert.True);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_scope_is_disposed_when_the_run_fails_and_on_each_retry()
    {
        var attempts = 0;
        using var host = Host(b => b
            .AddTask("scope.fails", (ScopedTracker tracker) => { throw new InvalidOperationException("boom " + tracker.Id); })
            .AddTask("scope.retries", (TaskContext ctx, ScopedTracker tracker) =>
            {
                if (Interlocked.Increment(ref attempts) < 3) throw ctx.Retry(countdown: TimeSpan.Zero, maxRetries: 5);
                return tracker.Id;
            }));
        await host.StartAsync();
        var app = host.Services.GetRequiredService<CeleriacApp>();
        var log = host.Services.GetRequiredService<TrackerLog>();

        var failed = await (await app.GetTask("scope.fails").DelayAsync()).WaitAsync(HostingTestBed.Wait);
        Assert.Equal("FAILURE", failed.Status);
        Assert.Single(log.Disposed);
        Assert.True(log.Disposed[1]);

        await (await app.GetTask("scope.retries").DelayAsync()).GetAsync<int>(HostingTestBed.Wait);
        Assert.Equal(3, attempts);
        Assert.Equal(4, log.Disposed.Count); // one scope per run: the failure, two retried runs, the success
        Assert.All(log.Disposed.Values, Assert.True);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_scope_of_a_run_over_its_time_limit_is_disposed_once_the_body_ends()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Host(b => b.AddTask("scope.slow", async (ScopedTracker tracker) =>
        {
            await release.Task; // ignores its token: the worker abandons it at the hard limit
            return tracker.Id;
        }, o => o.TimeLimit = TimeSpan.FromMilliseconds(200)));
        await host.StartAsync();
        var app = host.Services.GetRequiredService<CeleriacApp>();
        var log = host.Services.GetRequiredService<TrackerLog>();

        var meta = await (await app.GetTask("scope.slow").DelayAsync()).WaitAsync(HostingTestBed.Wait);
        Assert.Equal("FAILURE", meta.Status);
        // Abandoned, the body still holds its scope: it is not disposed under its feet...
        Assert.False(log.Disposed[1]);
        release.SetResult();
        // ...but as soon as the body ends.
        var deadline = DateTime.UtcNow + HostingTestBed.Wait;
        while (!log.Disposed[1] && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(log.Disposed[1]);
        await host.StopAsync();
    }
}

/// <summary>A task class with a scoped dependency, as one with a DbContext.</summary>
public sealed class ScopedClassTask(ScopedTracker tracker) : ICeleriacTask
{
    public static string Name => "scope.class";

    public Task<int> RunAsync(int addTo, CancellationToken cancellationToken)
    {
        Assert.False(tracker.IsDisposed);
        return Task.FromResult(tracker.Id * 100 + addTo);
    }
}
