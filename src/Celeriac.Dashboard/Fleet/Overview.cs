namespace Celeriac.Dashboard.Fleet;

/// <summary><c>GET P/api/overview</c>'s answer (API16.md).</summary>
internal sealed record Overview(DateTime From, DateTime To, double StepSeconds, int WorkersOnline,
    IReadOnlyList<OverviewPoint> Series, IReadOnlyList<OverviewTaskRow> ByTask, IReadOnlyList<OverviewQueueRow> ByQueue);
