namespace Celeriac.Dashboard.Fleet;

/// <summary>One queue over the window.</summary>
internal sealed record OverviewQueueRow(string Queue, long Succeeded, long Failed, double FailureRate, double? RuntimeP50, double? RuntimeP95, double? WaitP50, double? WaitP95);
