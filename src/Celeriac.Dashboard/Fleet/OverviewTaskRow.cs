namespace Celeriac.Dashboard.Fleet;

/// <summary>One task name over the window.</summary>
internal sealed record OverviewTaskRow(string Name, long Succeeded, long Failed, double FailureRate, double? RuntimeP50, double? RuntimeP95, double? WaitP50, double? WaitP95);
