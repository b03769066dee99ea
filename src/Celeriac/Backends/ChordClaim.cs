namespace Celeriac.Backends;

/// <summary>
/// The claim on sending a chord's body that the add completing the header records, and the lease
/// after which a duplicate add (the completing part, redelivered) may take it over
/// (<see cref="IChordJoin.AddChordPartAsync(string, int?, Protocol.Results.ResultMeta, ChordClaim, CancellationToken)"/>).
/// </summary>
/// <param name="Now">The caller's time: recorded by a claim, compared with the recorded one by a duplicate.</param>
/// <param name="Lease">
/// How long a claim holds. Longer than any body send takes (publish, then delete the join); shorter
/// than the time before a dead worker's part is redelivered (the visibility timeout, 1 h on Redis),
/// or the redelivered part finds the claim still held and the body is lost after all.
/// </param>
internal readonly record struct ChordClaim(DateTimeOffset Now, TimeSpan Lease)
{
    /// <summary>The lease workers use unless configured otherwise (<see cref="CeleriacOptions.ChordClaimLease"/>): 30 s.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);
}
