using Celeriac.Diagnostics;
using Celeriac.Beat.Store;
using Microsoft.Extensions.Logging;

namespace Celeriac.Beat;

/// <content>The loop: renew or take the lease, apply edits, publish what is due, sleep until the next thing to do.</content>
public sealed partial class CeleriacBeat
{
    /// <summary>The first wait after a failed store call; it doubles up to the renew interval, so a take-over is never delayed by it.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>While the store stays down, how often the beat says so again (the first failure is logged in full).</summary>
    private static readonly TimeSpan OutageRepeat = TimeSpan.FromSeconds(30);

    private BeatLease? _lease;
    private DateTimeOffset _nextRenew = DateTimeOffset.MinValue;
    private long _editsVersion = -1;
    private BeatEntry[] _defined = [];
    private Dictionary<string, BeatEntryInForce> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly OutageLog _outage = new(OutageRepeat);

    private TimeProvider Clock => _app.Options.TimeProvider;

    private async Task LoopAsync(CancellationToken stopping)
    {
        var backoff = FirstBackoff;
        while (!stopping.IsCancellationRequested)
        {
            DateTimeOffset wake;
            try
            {
                await RenewAsync(stopping).ConfigureAwait(false);
                await RefreshEditsAsync(force: false, stopping).ConfigureAwait(false);
                if (_lease is not null) await PublishDueAsync(stopping).ConfigureAwait(false);
                if (_lease is not null) PrebuildDue();
                wake = NextWake();
                backoff = FirstBackoff;
                CycleSucceeded();
                var since = _outage.Since;
                var failed = _outage.Recovered();
                if (failed > 0)
                    _log.LogInformation("Beat {Holder}: schedule {Schedule} works again after {Failures} failed cycle(s) since {Since:O}", Identity,
                        Options.ScheduleName, failed, since);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Redis down, a broker error: log, wait a little longer each time, carry on. The loop never dies.
                switch (_outage.Failed(Clock.GetUtcNow()))
                {
                    case OutageLogAction.First:
                        _log.LogError(ex, "Beat {Holder}: schedule {Schedule} failed ({Error}); retrying in {Backoff}", Identity, Options.ScheduleName,
                            ex.Message, backoff);
                        break;
                    case OutageLogAction.Repeat:
                        _log.LogWarning("Beat {Holder}: schedule {Schedule} still fails after {Failures} cycle(s) since {Since:O} ({Error}); retrying",
                            Identity, Options.ScheduleName, _outage.Failures, _outage.Since, ex.Message);
                        break;
                }
                CycleFailed(ex);
                Signals.Raise(new BeatSignal(BeatSignalKind.Error, At: Clock.GetUtcNow()));
                wake = Clock.GetUtcNow() + backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Math.Max(Options.LeaseRenewInterval.Ticks, FirstBackoff.Ticks)));
            }

            var delay = wake - Clock.GetUtcNow();
            if (delay <= TimeSpan.Zero) continue;
            // One timer waits at most ≈ 49.7 days; a loop that wakes to check the clock loses nothing.
            if (delay > Worker.ClockAlarm.MaxTimerWait) delay = Worker.ClockAlarm.Step;
            try
            {
                // The timer is armed before the signal, so a test that advances its clock on the signal wakes the loop.
                var sleep = Task.Delay(delay, Clock, stopping);
                Signals.Raise(new BeatSignal(BeatSignalKind.Sleeping, At: wake));
                await sleep.ConfigureAwait(false);
                Signals.Awake();
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Every renew interval: renew the lease, or take it when free or expired.</summary>
    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        if (now < _nextRenew) return;
        _nextRenew = now + Options.LeaseRenewInterval;
        var lease = await _store!.TryAcquireAsync(Identity, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var had = Volatile.Read(ref _lease);
        if (lease is not null && (had is null || had.Term != lease.Term))
        {
            // A new holding: another publisher may have moved the state since this beat last read it.
            _states = new Dictionary<string, BeatEntryState>(await _store.ReadStateAsync(cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            foreach (var entry in _entries.Values) entry.NextDue = null;
            Volatile.Write(ref _lease, lease);
            _log.LogInformation("Beat {Holder} holds the lease of schedule {Schedule} (term {Term}): publishing", Identity, Options.ScheduleName, lease.Term);
            Signals.Raise(new BeatSignal(BeatSignalKind.LeaseAcquired, At: now));
        }
        else if (lease is null && had is not null) LeaseLost(null);
        else if (lease is not null) Volatile.Write(ref _lease, lease);
    }

    private void LeaseLost(Exception? reason)
    {
        if (Interlocked.Exchange(ref _lease, null) is null) return;
        _log.LogWarning(reason, "Beat {Holder} lost the lease of schedule {Schedule}: standing by", Identity, Options.ScheduleName);
        Signals.Raise(new BeatSignal(BeatSignalKind.LeaseLost, At: Clock.GetUtcNow()));
    }

    /// <summary>Reads the run-time edits when their version moved (every loop, so an edit is seen within <see cref="BeatOptions.MaxLoopInterval"/>).</summary>
    private async Task RefreshEditsAsync(bool force, CancellationToken cancellationToken)
    {
        var version = await _store!.ReadEditsVersionAsync(cancellationToken).ConfigureAwait(false);
        if (!force && version == _editsVersion) return;
        var edits = await _store.ReadEditsAsync(cancellationToken).ConfigureAwait(false);
        _entries = BeatEntryInForce.Resolve(_defined, edits.Entries, _app.Options, _entries);
        foreach (var entry in _entries.Values)
        {
            if (entry.Error is not null && _reported.Add(entry.Name + "\n" + entry.Error))
                _log.LogError("Beat entry {Entry} is skipped: {Error}", entry.Name, entry.Error);
        }
        if (_editsVersion >= 0) _log.LogInformation("Beat {Holder}: run-time edits at version {Version} applied", Identity, edits.Version);
        _editsVersion = edits.Version;
        Signals.Raise(new BeatSignal(BeatSignalKind.EditsApplied, At: Clock.GetUtcNow()));
    }

    /// <summary>The next thing to do: the earliest due run (while publishing), the next renew, or the longest sleep.</summary>
    private DateTimeOffset NextWake()
    {
        var now = Clock.GetUtcNow();
        var wake = now + Options.MaxLoopInterval;
        if (_nextRenew < wake) wake = _nextRenew;
        if (_lease is null) return wake;
        foreach (var entry in _entries.Values)
            if (entry.Runs && entry.NextDue is { } due && due < wake) wake = due;
        return wake;
    }
}
