using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Celeriac.Dashboard.Ingestion;

/// <summary>
/// The bounded buffer between the broker and the store (<see cref="Store.TaskEvent"/>s and <see cref="Store.WorkerUpdate"/>s).
/// The receiver never waits on it: when the store falls behind or fails long enough to fill it, new events are
/// dropped and counted (one warning when dropping starts, one line with the count when it stops), so memory
/// stays bounded and the broker's subscription keeps draining.
/// </summary>
internal sealed class IngestQueue(int capacity, IngestionStats stats, ILogger logger)
{
    private readonly Channel<object> _channel = Channel.CreateBounded<object>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails rather than dropping silently
        SingleReader = true,
        SingleWriter = true,
    });

    private long _droppedNow;

    public ChannelReader<object> Reader => _channel.Reader;

    /// <summary>Buffers one record, or drops and counts it when the buffer is full.</summary>
    public void Offer(object item)
    {
        if (_channel.Writer.TryWrite(item))
        {
            // Over once the buffer has drained to half (not at the first free slot), so a store that keeps up only
            // just does not log an episode per batch.
            if (_droppedNow > 0 && _channel.Reader.Count <= capacity / 2)
            {
                logger.LogWarning("Dashboard ingestion: the buffer takes events again; {Dropped} event(s) were dropped while it was full ({Total} in all)", _droppedNow, stats.Dropped);
                _droppedNow = 0;
            }
            return;
        }
        if (_droppedNow++ == 0)
            logger.LogWarning("Dashboard ingestion: the buffer of {Capacity} events is full (the store is failing or slower than the broker); dropping new events until it drains", capacity);
        stats.AddDropped(1);
    }

    /// <summary>No more events will come (the receiver stopped).</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
