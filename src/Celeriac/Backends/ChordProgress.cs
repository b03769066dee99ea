namespace Celeriac.Backends;

/// <summary>
/// Where a chord join stands after <see cref="IChordJoin.AddChordPartAsync(string, int?, Protocol.Results.ResultMeta, ChordClaim, CancellationToken)"/>, read atomically with
/// the add. Exactly one add sees <see cref="IsComplete"/>: of all the
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
/// <param name="TookOver">
/// True when this call was a duplicate that found the header complete, the join not deleted (so
/// the body was never confirmed sent) and the completing add's claim older than its lease: it
/// took the claim over and must send the body (see <see cref="ShouldSendBody"/>).
/// </param>
internal readonly record struct ChordProgress(long Ready, long? Size, long Extra, bool Added = true, bool TookOver = false)
{
    /// <summary>
    /// True when this call found the task's part already in and added nothing. A duplicate never
    /// completes the chord: the add that first brought the part in is the one that counted it.
    /// </summary>
    public bool IsDuplicate => !Added;

    /// <summary>
    /// True for exactly the add that completed the header — it added its part, and with it the
    /// count reached size + extra: send the body. Python's join also fires when a redelivered part
    /// is added again after the header is complete (docs/protocol.md §4.8); ours does not.
    /// </summary>
    /// <remarks>
    /// The completing add also records a claim (<see cref="ChordClaim"/>). If the worker that saw
    /// <see cref="IsComplete"/> dies before the join is deleted or closed, its redelivered part is a
    /// duplicate that, once the claim is older than the lease, takes the body over
    /// (<see cref="TookOver"/>).
    /// </remarks>
    public bool IsComplete => Added && Size is { } size && Ready == size + Extra;

    /// <summary>
    /// Send the body (or fail it with its <c>ChordError</c>): this add completed the header, or took
    /// over a claim whose holder did not finish within the lease. Exactly once per chord, unless a
    /// worker dies between its claim and deleting or closing the join (publish sent or not): then
    /// at least once, by the first duplicate add after the lease.
    /// </summary>
    public bool ShouldSendBody => IsComplete || TookOver;
}
