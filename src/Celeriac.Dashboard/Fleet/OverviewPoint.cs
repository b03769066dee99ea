namespace Celeriac.Dashboard.Fleet;

/// <summary>One step of the overview's series: counts in the step, percentiles (seconds) of what finished in it.</summary>
internal sealed record OverviewPoint(DateTime T, long Succeeded, long Failed, long Retried, long Received,
    double? RuntimeP50, double? RuntimeP95, double? RuntimeP99, double? WaitP50, double? WaitP95);
