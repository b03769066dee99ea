namespace Celeriac.Revocation;

/// <summary>A revoked task id and when it was revoked (Unix seconds, as Celery's <c>time.time()</c>).</summary>
internal readonly record struct RevokedEntry(string TaskId, double RevokedAt);
