namespace Celeriac.Testing;

/// <summary>A message the worker refused (malformed, refused content type, unknown task).</summary>
/// <param name="TaskId">Task id when the message could be read that far, else null.</param>
/// <param name="Reason">Why it was refused, as logged.</param>
public sealed record RejectedMessage(string? TaskId, string Reason);
