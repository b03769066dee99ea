namespace Celeriac.Backends;

/// <summary>
/// Where a chord join stands after <see cref="IChordJoin.AddChordPartAsync"/>, read atomically with
/// the add. Send the chord body when, and only when, <see cref="IsComplete"/> is true: of all the
/// adds of one chord — redelivered header tasks and concurrent workers included — exactly one
/// sees it.
/// </summary>
/// <param name="Ready">Parts in after this call, counting this part once however often it was added.</param>
/// <param name="Size">Header size, or null when not recorded yet.</param>
/// <param name="Extra">Extra parts from replaced header tasks.</param>
/// <param name="Added">
/// True when this call added the part; false when a part for the same task id was already in
/// (the task ran again after a redelivery) and nothing was added.
/// </param>
public readonly record struct ChordProgress(long Ready, long? Size, long Extra, bool Added = true)
{
    /// <summary>
    /// True when this call found the task's part already in and added nothing. A duplicate never
    /// completes the chord: the add that first brought the part in is the one that counted it.
    /// </summary>
    public bool IsDuplicate => !Added;

    /// <summary>
    /// True for exactly the add that completed the header — it added its part, and with it the
    /// count reached size + extra: send the body. Python's join also fires when a redelivered part
    /// is added again after the header is complete (SPEC §4.8); ours does not.
    /// </summary>
    /// <remarks>
    /// The flip side: if the worker that saw <see cref="IsComplete"/> dies before sending the body,
    /// the redelivered part is a duplicate and nobody sends it. The join has no record of the send.
    /// </remarks>
    public bool IsComplete => Added && Size is { } size && Ready == size + Extra;
}
