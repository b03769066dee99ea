namespace Celeriac.Revocation;

/// <summary>What a read of the revoke store found, and the cursor to read only what comes after it next time.</summary>
internal sealed record RevokeStoreRead(IReadOnlyList<RevokedEntry> Entries, double Cursor);
