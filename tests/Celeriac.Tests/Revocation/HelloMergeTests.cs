using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Testing;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Revocation;

/// <summary><c>hello</c> (docs/protocol.md §7.7): the revoked set goes out as <c>{id: [timestamp, id]}</c> and another node's is merged in.</summary>
public sealed class HelloMergeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly VirtualClock _clock = new(Start);
    private readonly TestHarness _h;
    private int _runs;

    public HelloMergeTests() => _h = TestHarness.Create(o => o.TimeProvider = _clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static double Unix(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).TotalSeconds;

    [Fact]
    public async Task Merged_revokes_keep_their_time_are_honoured_sent_on_in_hello_and_kept_for_later_workers()
    {
        var task = _h.App.Task("hello.t", () => Interlocked.Increment(ref _runs));
        var (worker, signals) = await _h.StartWorkerAsync();
        var at = Unix(Start) - 60;
        var old = Unix(Start) - 10_801; // past Celery's default horizon: dropped, as LimitedSet.purge drops it

        worker.MergeRevoked(new JsonObject
        {
            ["m1"] = new JsonArray(at, "m1"),
            ["m2"] = at + 1,
            ["gone"] = new JsonArray(old, "gone"),
            ["bad"] = "not a time",
        });

        worker.RevokedIds.Should().Equal("m1", "m2");
        var hello = worker.RevokedForHello();
        hello.ToJsonString().Should().Be(new JsonObject { ["m1"] = new JsonArray(at, "m1"), ["m2"] = new JsonArray(at + 1, "m2") }.ToJsonString());

        await task.ApplyAsync(options: new TaskSendOptions { TaskId = "m1" });
        (await signals.CompletedAsync("m1")).State.Should().Be(TaskStates.Revoked);
        _runs.Should().Be(0);

        // Written to the broker's store too: a worker started later has them.
        await Until.TrueAsync(() => _h.Broker.Revokes.ReadAsync(null, _h.App.RevokeRetention()).Result.Entries.Count == 2, "the merged ids are stored");
        await worker.StopAsync();
        var (later, _) = await _h.StartWorkerAsync();
        later.RevokedIds.Should().BeEquivalentTo(["m1", "m2"]);
    }

    [Fact]
    public async Task A_worker_with_nothing_revoked_says_so_in_hello()
    {
        var (worker, _) = await _h.StartWorkerAsync();
        worker.RevokedForHello().ToJsonString().Should().Be("{}");
        worker.RevokedIds.Should().BeEmpty();
    }
}
