using Celeriac.Beat.Store;
using Celeriac.Protocol.Messages;

namespace Celeriac.Beat;

/// <content>Building the next due runs ahead of their instant, in the time the beat would sleep.</content>
public sealed partial class CeleriacBeat
{
    /// <summary>Prebuilding stops this long before the loop's next wake, so it never delays a due run.</summary>
    private static readonly TimeSpan PrebuildMargin = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Builds the run (task id, message, encoded body) of each entry due within
    /// <see cref="BeatOptions.MaxLoopInterval"/>, so that when it is due only the store's call is left:
    /// with thousands of entries due at once, building is most of the beat's work and would otherwise
    /// add to every run's lag. What is built is only a cache of <see cref="BeatRunFactory.Run"/> for
    /// (entry definition, slot, run count): the plan at the due instant still decides what goes out, and
    /// a run it plans otherwise (an edit, a take-over, a missed run) is built then. Entries with
    /// <see cref="TaskSendOptions.ExpiresIn"/> or <see cref="TaskSendOptions.Countdown"/> are built when
    /// due, as those count from the publish (docs/interop.md, "Beat"); nothing else in a message depends
    /// on when it is built.
    /// </summary>
    private void PrebuildDue()
    {
        var now = Clock.GetUtcNow();
        var horizon = now + Options.MaxLoopInterval;
        var stopAt = NextWake() - PrebuildMargin;
        var built = 0;
        foreach (var entry in _entries.Values)
        {
            if (!entry.Runs || entry.NextDue is not { } due || due > horizon || entry.Prebuilt?.Slot == due) continue;
            var options = entry.Entry!.Options;
            if (options.ExpiresIn is not null || options.Countdown is not null) continue;
            if (++built % 64 == 0 && Clock.GetUtcNow() >= stopAt) return; // the rest are built when due
            var count = (_states.TryGetValue(entry.Name, out var state) ? state.TotalRunCount : 0) + 1;
            try
            {
                var (run, message) = _runs.Run(entry.Entry, due, count);
                // Headers kept as their JSON: the envelope copies it when due instead of writing the tree then.
                run = run with { Message = run.Message.WithSerializedHeaders() };
                entry.Prebuilt = new PrebuiltRun(due, count, run, message);
            }
            catch (Exception)
            {
                // Built again when due, where the error is reported with the entry's name.
            }
        }
    }

    /// <summary>The run of <paramref name="entry"/> at <paramref name="slot"/>: the prebuilt one when it matches, else built now.</summary>
    private (BeatRun Run, TaskMessage Message) TakeRun(BeatEntryInForce entry, DateTimeOffset slot, long count)
    {
        var ready = entry.Prebuilt;
        entry.Prebuilt = null;
        return ready is not null && ready.Slot == slot && ready.Count == count ? (ready.Run, ready.Message) : _runs.Run(entry.Entry!, slot, count);
    }
}

/// <summary>A run built ahead of its slot (see <c>CeleriacBeat.PrebuildDue</c>).</summary>
internal sealed record PrebuiltRun(DateTimeOffset Slot, long Count, BeatRun Run, TaskMessage Message);
