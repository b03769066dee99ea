using Celeriac.Beat.Store;
using Celeriac.Protocol.Messages;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Beat;

/// <summary>
/// Builds the KEYS and ARGV of one <see cref="BeatPublishScript"/> call from a slice of runs: each
/// run's envelope encoded as <see cref="Transport.RedisTransport.PublishAsync(BrokerMessage, DeliveryInfo, CancellationToken)"/> encodes it (a fresh
/// delivery tag) and its target resolved by the transport's router before the script, since a
/// script cannot read the in-process exchange declarations. Reused across the calls of one publish.
/// </summary>
internal sealed class BeatPublishBatch(RedisBeatStore store, BeatLease lease)
{
    private readonly string _leaseValue = RedisBeatStore.LeaseValue(lease);

    /// <summary>KEYS of the call being built.</summary>
    public List<RedisArgument> Keys { get; } = [];

    /// <summary>ARGV of the call being built.</summary>
    public List<RedisArgument> Arguments { get; } = [];

    /// <summary>
    /// Fills the call with runs from <paramref name="start"/> while it holds fewer than
    /// <see cref="RedisBeatStore.MaxRunsPerCall"/> runs and <see cref="RedisBeatStore.MaxBytesPerCall"/>
    /// envelope bytes (one run at least); returns the index after the last run taken.
    /// </summary>
    public async ValueTask<int> FillAsync(IReadOnlyList<BeatRun> runs, int start, CancellationToken cancellationToken)
    {
        Keys.Clear();
        Arguments.Clear();
        Keys.Add(store.LeaseKey);
        Keys.Add(store.SlotsKey);
        Keys.Add(store.StateKey);
        Arguments.Add(_leaseValue);
        var bytes = 0L;
        var end = start;
        while (end < runs.Count && end - start < RedisBeatStore.MaxRunsPerCall)
        {
            var run = runs[end];
            var envelope = KombuEnvelope.Encode(run.Message, run.Route);
            if (end > start && bytes + envelope.Length > RedisBeatStore.MaxBytesPerCall) break;
            var target = await store.Transport.ResolveAsync(run.Route, run.Message.Properties.Priority, cancellationToken).ConfigureAwait(false);
            foreach (var key in target.ListKeys) Keys.Add(key);
            Arguments.Add(run.Entry);
            Arguments.Add(BeatStateJson.ToMicroseconds(run.Slot));
            Arguments.Add(BeatStateJson.Encode(run.NewState));
            Arguments.Add(envelope);
            Arguments.Add(target.ListKeys.Count);
            Arguments.Add(target.Channel ?? "");
            bytes += envelope.Length;
            end++;
        }
        return end;
    }
}
