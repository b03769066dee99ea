using System.Globalization;
using Celeriac.Beat.Store;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Transport;

namespace Celeriac.Redis.Beat;

/// <summary>
/// The beat store on the broker's Redis (docs/architecture.md "Beat"): the lease with its fencing
/// term, each entry's last slot and state, and the run-time edits, under
/// <c>celeriac.beat.&lt;schedule&gt;.*</c> (<see cref="RedisLayout.BeatKey"/>). A publish is one script
/// per chunk of runs that checks the lease, refuses runs not newer than their recorded slot, LPUSHes
/// each envelope where <see cref="RedisTransport.PublishAsync(Protocol.Messages.BrokerMessage, Protocol.Messages.DeliveryInfo, CancellationToken)"/> would and records the run — so a
/// run is pushed exactly when it is recorded, and nothing is pushed by a holder that lost its lease.
/// A broker that goes away surfaces as the client's exceptions (the loop retries); a retry of a
/// publish whose reply was lost finds its runs recorded and reports them as duplicates.
/// </summary>
internal sealed class RedisBeatStore : IBeatStore
{
    /// <summary>
    /// Most runs one script call carries: a script blocks Redis while it runs, so a big batch goes in
    /// several — and while one runs in the server the next is encoded here, so smaller calls overlap more.
    /// </summary>
    internal const int MaxRunsPerCall = 100;

    /// <summary>Most envelope bytes one script call carries (at least one run always goes).</summary>
    internal const int MaxBytesPerCall = 1 << 20;

    private readonly RedisTransport _transport;
    private readonly RedisClient _redis;
    private readonly TimeProvider _clock;
    private readonly string _schedule;
    private readonly string _lease, _term, _slots, _state, _edits, _editsVersion;

    /// <summary>A store for schedule <paramref name="scheduleName"/> on <paramref name="transport"/>'s Redis.</summary>
    internal RedisBeatStore(RedisTransport transport, RedisClient redis, string scheduleName, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleName);
        _transport = transport;
        _redis = redis;
        _clock = clock;
        _schedule = scheduleName;
        var layout = transport.Layout;
        _lease = layout.BeatKey(scheduleName, BeatKeyPart.Lease);
        _term = layout.BeatKey(scheduleName, BeatKeyPart.Term);
        _slots = layout.BeatKey(scheduleName, BeatKeyPart.Slots);
        _state = layout.BeatKey(scheduleName, BeatKeyPart.State);
        _edits = layout.BeatKey(scheduleName, BeatKeyPart.Edits);
        _editsVersion = layout.BeatKey(scheduleName, BeatKeyPart.EditsVersion);
    }

    /// <inheritdoc />
    public bool IsShared => true;

    /// <inheritdoc />
    public async ValueTask<BeatLease?> TryAcquireAsync(string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var milliseconds = (long)Math.Ceiling(duration.TotalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, 1, nameof(duration));
        // Taken before the call: the server's expiry starts no earlier, so the holder never believes
        // in a lease the server has already ended.
        var asked = _clock.GetUtcNow();
        var reply = await _redis.EvaluateAsync(BeatLeaseScripts.Acquire, [_lease, _term], [holder, milliseconds], cancellationToken).ConfigureAwait(false);
        return reply.IsNull ? null : new BeatLease(holder, reply.AsInt64(), asked + TimeSpan.FromMilliseconds(milliseconds));
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(BeatLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _redis.EvaluateAsync(BeatLeaseScripts.Release, [_lease], [LeaseValue(lease)], cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, BeatEntryState>> ReadStateAsync(CancellationToken cancellationToken)
    {
        var reply = (await _redis.EvaluateAsync(BeatStateScripts.ReadStates, [_slots, _state], [], cancellationToken).ConfigureAwait(false)).AsArray();
        var json = Pairs(reply[1]);
        var states = new Dictionary<string, BeatEntryState>(StringComparer.Ordinal);
        foreach (var (entry, slot) in Pairs(reply[0]))
        {
            // A slot that is not an integer was not written by us; the entry counts as new.
            if (!long.TryParse(slot, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var microseconds)) continue;
            states[entry] = BeatStateJson.Decode(microseconds, json.GetValueOrDefault(entry));
        }
        return states;
    }

    /// <inheritdoc />
    public async ValueTask<BeatPublishResult> PublishAsync(BeatLease lease, IReadOnlyList<BeatRun> runs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(runs);
        var published = 0;
        var duplicates = new List<BeatRun>();
        if (runs.Count == 0) return new BeatPublishResult(0, duplicates);
        // Two calls' worth of KEYS/ARGV: the next is filled (envelopes encoded) while the one before runs
        // in Redis, but sent only once that one has answered — calls stay one after another, so a lease
        // lost mid-way still leaves a recorded prefix of whole calls and nothing after it.
        BeatPublishBatch current = new(this, lease), next = new(this, lease);
        var start = 0;
        var end = await current.FillAsync(runs, start, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var running = _redis.EvaluateAsync(BeatPublishScript.Script, current.Keys, current.Arguments, cancellationToken).AsTask();
            int nextEnd;
            try
            {
                nextEnd = end < runs.Count ? await next.FillAsync(runs, end, cancellationToken).ConfigureAwait(false) : end;
            }
            catch
            {
                // The call in flight still gets its answer (the caller re-reads the state after an error).
                await Task.WhenAny(running).ConfigureAwait(false);
                throw;
            }
            var reply = (await running.ConfigureAwait(false)).AsArray();
            if (reply[0].AsInt64() == BeatPublishScript.LeaseLost) throw LeaseLost(lease, $"{published} run(s) of this batch were sent before it was lost, none after");
            published += (int)reply[0].AsInt64();
            for (var i = 1; i < reply.Length; i++) duplicates.Add(runs[start + (int)reply[i].AsInt64() - 1]);
            if (end >= runs.Count) break;
            (current, next) = (next, current);
            (start, end) = (end, nextEnd);
        }
        return new BeatPublishResult(published, duplicates);
    }

    /// <inheritdoc />
    public async ValueTask WriteStatesAsync(BeatLease lease, IReadOnlyDictionary<string, BeatEntryState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(states);
        var arguments = new List<RedisArgument>(1 + 3 * states.Count) { LeaseValue(lease) };
        foreach (var (entry, state) in states)
        {
            arguments.Add(entry);
            arguments.Add(BeatStateJson.ToMicroseconds(state.LastSlot));
            arguments.Add(BeatStateJson.Encode(state));
        }
        // Even with nothing to write the lease is checked: the caller learns it is lost.
        var written = (await _redis.EvaluateAsync(BeatStateScripts.WriteStates, [_lease, _slots, _state], arguments, cancellationToken).ConfigureAwait(false)).AsInt64();
        if (written == BeatStateScripts.LeaseLost) throw LeaseLost(lease, "no state was written");
    }

    /// <inheritdoc />
    public async ValueTask<long> ReadEditsVersionAsync(CancellationToken cancellationToken)
    {
        var reply = await _redis.ExecuteAsync(new RedisCommand("GET", _editsVersion), cancellationToken).ConfigureAwait(false);
        return reply.IsNull ? 0 : reply.AsInt64();
    }

    /// <inheritdoc />
    public async ValueTask<BeatEdits> ReadEditsAsync(CancellationToken cancellationToken)
    {
        var reply = (await _redis.EvaluateAsync(BeatStateScripts.ReadEdits, [_edits, _editsVersion], [], cancellationToken).ConfigureAwait(false)).AsArray();
        var entries = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (entry, definition) in Pairs(reply[1])) entries[entry] = definition.Length == 0 ? null : definition;
        return new BeatEdits(reply[0].AsInt64(), entries);
    }

    /// <inheritdoc />
    public async ValueTask WriteEditAsync(string entry, string? definitionJson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(entry);
        if (definitionJson is { Length: 0 }) throw new ArgumentException($"The edit of beat entry '{entry}' is empty; pass null to remove the entry.", nameof(definitionJson));
        await _redis.EvaluateAsync(BeatStateScripts.WriteEdit, [_edits, _editsVersion], [entry, definitionJson ?? ""], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Nothing to close: the store runs on the transport's client, which the transport owns.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal string LeaseKey => _lease;

    internal string SlotsKey => _slots;

    internal string StateKey => _state;

    internal RedisTransport Transport => _transport;

    /// <summary>The lease key's value while <paramref name="lease"/> holds it.</summary>
    internal static string LeaseValue(BeatLease lease) => lease.Holder + "|" + lease.Term.ToString(CultureInfo.InvariantCulture);

    private BeatLeaseLostException LeaseLost(BeatLease lease, string what) => new(
        $"The beat lease of schedule '{_schedule}' held by '{lease.Holder}' (term {lease.Term}) is lost: another beat may publish now; {what}.");

    private static Dictionary<string, string> Pairs(RespValue flat)
    {
        var items = flat.AsArray();
        var pairs = new Dictionary<string, string>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2) pairs[items[i].AsString()!] = items[i + 1].AsString() ?? "";
        return pairs;
    }
}
