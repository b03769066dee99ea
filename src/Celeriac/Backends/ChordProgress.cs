namespace Celeriac.Backends;

/// <summary>Where a chord join stands after adding a part.</summary>
/// <param name="Ready">Parts in, counting the one just added.</param>
/// <param name="Size">Header size, or null when not recorded yet.</param>
/// <param name="Extra">Extra parts from replaced header tasks.</param>
public readonly record struct ChordProgress(long Ready, long? Size, long Extra)
{
    /// <summary>True for exactly the add that completed the header: send the body.</summary>
    public bool IsComplete => Size is { } size && Ready == size + Extra;
}
