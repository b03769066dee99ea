using Celeriac.Dashboard.Ingestion;
using Celeriac.Dashboard.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Dashboard.Tests.Ingestion;

public sealed class BatchWriterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_failing_store_gets_the_same_batch_again_and_a_full_buffer_drops_and_counts()
    {
        var stats = new IngestionStats();
        var store = new FlakyStore(failures: 3);
        var queue = new IngestQueue(capacity: 5, stats, NullLogger.Instance);
        for (var i = 0; i < 8; i++) queue.Offer(new TaskEvent($"t{i}", "RECEIVED", T0.AddSeconds(i)));
        queue.Complete();
        stats.Dropped.Should().Be(3);

        var changes = new DashboardChanges();
        using var listener = changes.Listen();
        await new BatchWriter(store, queue, stats, changes, enricher: null, new WorkerQueueGuess(null), NullLogger.Instance).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        store.Written.Should().ContainSingle().Which.Tasks.Select(t => t.TaskId).Should().Equal("t0", "t1", "t2", "t3", "t4");
        stats.BatchFailures.Should().Be(3);
        stats.EventsIngested.Should().Be(5);
        stats.Batches.Should().Be(1);
        stats.StoreFailing.Should().BeFalse();
        stats.NewestEvent.Should().Be(T0.AddSeconds(4));
        (await listener.TakeAsync(CancellationToken.None)).Tasks.Should().HaveCount(5);
    }

    [Fact]
    public async Task Stopping_while_the_store_fails_gives_the_batch_up_and_counts_it()
    {
        var stats = new IngestionStats();
        var queue = new IngestQueue(capacity: 100, stats, NullLogger.Instance);
        queue.Offer(new WorkerUpdate("celery@a", T0, true));
        queue.Complete();
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        await new BatchWriter(new FlakyStore(failures: int.MaxValue), queue, stats, new DashboardChanges(), null, new WorkerQueueGuess(null), NullLogger.Instance)
            .RunAsync(stopping.Token).WaitAsync(TimeSpan.FromSeconds(30));
        stats.Dropped.Should().Be(1);
        stats.EventsIngested.Should().Be(0);
    }

    /// <summary>A store whose first writes fail; it records the batches it took.</summary>
    private sealed class FlakyStore(int failures) : IDashboardStore
    {
        private int _failures = failures;
        public List<DashboardBatch> Written { get; } = [];

        public Task WriteAsync(DashboardBatch batch, CancellationToken cancellationToken = default)
        {
            if (_failures-- > 0) throw new InvalidOperationException("database is locked");
            Written.Add(new DashboardBatch { Tasks = [.. batch.Tasks], Workers = [.. batch.Workers] });
            return Task.CompletedTask;
        }

        public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task EnrichAsync(IReadOnlyList<TaskEnrichment> tasks, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TaskPage> QueryTasksAsync(TaskQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<TaskDetail?> GetTaskAsync(string taskId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<TaskRecord>> GetWorkflowAsync(string rootId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<WorkerRecord>> GetWorkersAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<MinuteRollup>> GetRollupsAsync(DateTimeOffset from, DateTimeOffset to, string? taskName = null, string? queue = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task WriteAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<AuditPage> QueryAuditAsync(int limit = 50, string? cursor = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<long> PruneAsync(RetentionPolicy policy, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
