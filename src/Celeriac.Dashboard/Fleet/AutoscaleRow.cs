namespace Celeriac.Dashboard.Fleet;

/// <summary>A worker's autoscale bounds, from its <c>stats</c> reply's <c>autoscaler</c>.</summary>
internal sealed record AutoscaleRow(long Max, long Min);
