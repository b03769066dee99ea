namespace Celeriac.Worker;

/// <content>The execution pool's size at run time: pool_grow/pool_shrink, autoscale, and the queues consumed.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>Execution slots now (what <c>stats</c> reports as <c>max-concurrency</c>).</summary>
    internal int Concurrency => Options.Concurrency;

    /// <summary>The autoscaler's bounds, or null when the pool has a fixed size.</summary>
    internal (int Max, int Min)? AutoscaleBounds => null;

    /// <summary>Adds <paramref name="n"/> slots (with autoscale: raises the floor as Celery's <c>force_scale_up</c>).</summary>
    internal void GrowPool(int n) => throw new NotImplementedException();

    /// <summary>Removes <paramref name="n"/> slots, never below one; a running task finishes first.</summary>
    internal void ShrinkPool(int n) => throw new NotImplementedException();

    /// <summary>Sets the autoscaler's bounds (the <c>autoscale</c> command).</summary>
    internal void SetAutoscale(int max, int min) => throw new NotImplementedException();

    /// <summary>The queues consumed now.</summary>
    internal IReadOnlyList<string> ConsumingQueues => Options.Queues.ToList();

    /// <summary>Starts consuming one more queue (declaring it first); false when already consumed.</summary>
    internal Task<bool> AddQueueAsync(string queue, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Stops consuming a queue; false when it was not consumed.</summary>
    internal Task<bool> CancelQueueAsync(string queue, CancellationToken cancellationToken) => throw new NotImplementedException();
}
