namespace Celeriac.Beat;

/// <summary>
/// What one entry does now (docs/architecture.md, "Beat"): the due slots to publish in order, how
/// many missed ones its policy skipped, the new last slot (the newest due one, published or not) and
/// the next slot after it.
/// </summary>
/// <param name="Publish">The slots to publish, oldest first.</param>
/// <param name="Skipped">How many due slots the missed-run policy dropped.</param>
/// <param name="OldestSkipped">The oldest skipped slot (for the log), if any.</param>
/// <param name="NewestSkipped">The newest skipped slot (for the log), if any.</param>
/// <param name="LastSlot">The newest due slot; null when none is due.</param>
/// <param name="NextDue">The first slot after the due ones; null when the schedule ends.</param>
internal sealed record BeatPlan(IReadOnlyList<DateTimeOffset> Publish, long Skipped, DateTimeOffset? OldestSkipped, DateTimeOffset? NewestSkipped,
    DateTimeOffset? LastSlot, DateTimeOffset? NextDue);
