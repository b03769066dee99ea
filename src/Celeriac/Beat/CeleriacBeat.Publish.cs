using Celeriac.Beat.Store;
using Celeriac.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Celeriac.Beat;

/// <content>Planning each entry's due runs and publishing them through the store, in batches.</content>
public sealed partial class CeleriacBeat
{
    /// <summary>Runs per <see cref="IBeatStore.PublishAsync"/> call on a shared store (one Redis script each).</summary>
    internal const int SharedBatchSize = 500;

    /// <summary>
    /// A local store rewrites its whole state file after each batch, so it gets everything due at
    /// once as one batch: one file write per wake-up, not one per 500 runs.
    /// </summary>
    private int BatchSize => _store!.IsShared ? SharedBatchSize : int.MaxValue;

    private readonly BeatRunFactory _runs;
    private Dictionary<string, BeatEntryState> _states = new(StringComparer.Ordinal);
    private bool _stateStale;

    private async Task PublishDueAsync(CancellationToken cancellationToken)
    {
        if (_stateStale)
        {
            _states = new Dictionary<string, BeatEntryState>(await _store!.ReadStateAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            foreach (var entry in _entries.Values) entry.NextDue = null;
            _stateStale = false;
        }
        var lease = _lease!;
        var now = Clock.GetUtcNow();
        if (now >= lease.ExpiresAt)
        {
            LeaseLost(null);
            return;
        }

        var anchors = new Dictionary<string, BeatEntryState>(StringComparer.Ordinal);
        var due = new List<(BeatEntryInForce Entry, DateTimeOffset Slot, long Count)>();
        foreach (var entry in _entries.Values)
        {
            if (!entry.Runs) continue;
            var lastSlot = Anchor(entry, now, anchors);
            // Cheap path: nothing new since the last plan and not yet due.
            if (entry.LastSlotSeen == lastSlot && (entry.Ended || entry.NextDue > now)) continue;
            BeatPlan plan;
            try
            {
                plan = BeatPlanner.Plan(entry.Entry!.Schedule, entry.Zone!, lastSlot, now, Options.MissedRunGrace, entry.Entry.MissedRuns);
            }
            catch (Exception ex)
            {
                // A schedule that throws (a zone rule it cannot read): this entry is skipped, the others run.
                if (_reported.Add(entry.Name + "\n" + ex.Message)) _log.LogError(ex, "Beat entry {Entry} is skipped: its schedule failed", entry.Name);
                continue;
            }
            entry.NextDue = plan.NextDue;
            entry.Ended = plan.NextDue is null;
            entry.LastSlotSeen = plan.LastSlot ?? lastSlot;
            if (plan.Skipped > 0) ReportSkipped(entry, plan);
            var count = _states.TryGetValue(entry.Name, out var state) ? state.TotalRunCount : 0;
            foreach (var slot in plan.Publish) due.Add((entry, slot, ++count));
            if (plan.Publish.Count == 0 && plan.LastSlot is { } last)
                anchors[entry.Name] = new BeatEntryState(last, count, state?.LastTaskId);
        }

        try
        {
            if (anchors.Count > 0)
            {
                await _store!.WriteStatesAsync(lease, anchors, cancellationToken).ConfigureAwait(false);
                foreach (var (name, state) in anchors) _states[name] = state;
            }
            if (due.Count == 0) return;
            // Oldest first across entries, each entry's runs in order.
            due.Sort((a, b) => a.Slot != b.Slot ? a.Slot.CompareTo(b.Slot) : string.CompareOrdinal(a.Entry.Name, b.Entry.Name));
            await PublishBatchesAsync(lease, due, cancellationToken).ConfigureAwait(false);
        }
        catch (BeatLeaseLostException ex)
        {
            // Another beat may publish now: stop at once (no later batch goes out), stand by, and
            // read the state afresh when the lease comes back.
            _stateStale = true;
            LeaseLost(ex);
        }
        catch
        {
            // Part of a batch may have gone out and been recorded: read the state again before planning.
            _stateStale = true;
            throw;
        }
    }

    /// <summary>
    /// The slot an entry counts from: its recorded last slot, or — new to the store — the moment it is
    /// first seen (recorded, as only this beat knows that moment, so a take-over keeps it), or just
    /// before a one-off's instant already past then (<see cref="BeatPlanner.NewAnchor"/>). An edit
    /// made later re-anchors it at the edit's moment; that moment is in the edit itself, so every
    /// beat computes the same anchor and nothing is written (the state keeps the last real run).
    /// </summary>
    private DateTimeOffset Anchor(BeatEntryInForce entry, DateTimeOffset now, Dictionary<string, BeatEntryState> anchors)
    {
        if (!_states.TryGetValue(entry.Name, out var state))
        {
            var anchor = BeatPlanner.NewAnchor(entry.Entry!.Schedule, entry.EditedAt is { } at && at < now ? at : now);
            anchors[entry.Name] = new BeatEntryState(anchor, 0);
            return anchor;
        }
        return entry.EditedAt is { } edited && edited > state.LastSlot ? edited : state.LastSlot;
    }

    private void ReportSkipped(BeatEntryInForce entry, BeatPlan plan)
    {
        var policy = entry.Entry!.MissedRuns;
        var reason = policy.Kind switch
        {
            MissedRunKind.Skip => "policy skip",
            MissedRunKind.Once => "policy once publishes only the newest missed run, and none when a run is due on time",
            MissedRunKind.All => $"policy all publishes the newest {policy.Limit}",
            _ => $"policy deadline publishes only runs within {policy.Deadline}",
        };
        _log.LogInformation("Beat entry {Entry}: skipped {Count} missed run(s) scheduled {Oldest:O} to {Newest:O} ({Reason})",
            entry.Name, plan.Skipped, plan.OldestSkipped, plan.NewestSkipped, reason);
        Signals.Raise(new BeatSignal(BeatSignalKind.Skipped, entry.Name, plan.NewestSkipped ?? default, At: Clock.GetUtcNow()));
    }

    /// <summary>
    /// Publishes <paramref name="due"/> in batches, one store call after another (so a lease lost
    /// mid-way leaves a recorded prefix), building each batch's messages while the store runs the one
    /// before it: on Redis the script runs in the server's process, so the two overlap instead of
    /// adding up. A batch is built at most one store call before it goes out, so `expires` still
    /// counts from about its publish (docs/interop.md, "Beat").
    /// </summary>
    private async Task PublishBatchesAsync(BeatLease lease, List<(BeatEntryInForce Entry, DateTimeOffset Slot, long Count)> due, CancellationToken cancellationToken)
    {
        var size = BatchSize;
        var next = await PrepareBatchAsync(due, 0, size, cancellationToken).ConfigureAwait(false);
        for (var start = 0; next is not null; start += size)
        {
            var current = next;
            next = null;
            var publishing = current.Runs.Count == 0 ? null : _store!.PublishAsync(lease, current.Runs, cancellationToken).AsTask();
            try
            {
                if (start + size < due.Count) next = await PrepareBatchAsync(due, start + size, size, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Whatever happened to the next batch, this one's outcome is recorded (or its error thrown) first.
                if (publishing is not null) Record(current, await publishing.ConfigureAwait(false));
            }
        }
    }

    private sealed record PreparedBatch(List<BeatRun> Runs, List<TaskMessage> Messages);

    private async Task<PreparedBatch> PrepareBatchAsync(List<(BeatEntryInForce Entry, DateTimeOffset Slot, long Count)> due, int start, int size,
        CancellationToken cancellationToken)
    {
        var end = (int)Math.Min((long)start + size, due.Count);
        var runs = new List<BeatRun>(end - start);
        var messages = new List<TaskMessage>(end - start);
        var prepared = new HashSet<DeliveryInfo>();
        for (var i = start; i < end; i++)
        {
            var (entry, slot, count) = due[i];
            BeatRun run;
            TaskMessage message;
            try
            {
                (run, message) = TakeRun(entry, slot, count);
                run = Diagnostics.PublishTracing.Beat(_app, run, message);
                run = Diagnostics.QueueWait.Beat(_app, run, message);
            }
            catch (Exception ex)
            {
                if (_reported.Add(entry.Name + "\n" + ex.Message)) _log.LogError(ex, "Beat entry {Entry} is skipped: its message cannot be built", entry.Name);
                continue;
            }
            if (prepared.Add(run.Route)) await _app.Publisher.PrepareAsync(run.Route, cancellationToken).ConfigureAwait(false);
            runs.Add(run);
            messages.Add(message);
        }
        return new PreparedBatch(runs, messages);
    }

    private void Record(PreparedBatch batch, BeatPublishResult result)
    {
        var (runs, messages) = (batch.Runs, batch.Messages);
        var duplicates = result.Duplicates.Count == 0 ? null : new HashSet<BeatRun>(result.Duplicates, ReferenceEqualityComparer.Instance);
        if (duplicates is not null)
        {
            _stateStale = true;
            _log.LogWarning("Beat {Holder}: {Count} run(s) were already recorded by another publisher and were not sent again", Identity, duplicates.Count);
        }
        var at = Clock.GetUtcNow();
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            if (duplicates?.Contains(run) == true) continue;
            _states[run.Entry] = run.NewState;
            if (_log.IsEnabled(LogLevel.Debug)) _log.LogDebug("Beat entry {Entry}: published run {Slot:O} as {Task}[{TaskId}]", run.Entry, run.Slot, messages[i].Task, run.TaskId);
            if (_app.Options.TaskSendSentEvent) _app.TaskSentEvent(messages[i], run.Route);
            _app.Metrics.Published(messages[i].Task, run.Route.RoutingKey, started: 0); // sent; the store's batch has no per-run duration
            Signals.Raise(new BeatSignal(BeatSignalKind.Published, run.Entry, run.Slot, run.TaskId, at, messages[i].Task));
        }
    }
}
