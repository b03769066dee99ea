using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard.Fleet;

/// <summary>
/// Whether a stored worker is online: it said so last and its last event is recent — within two heartbeat intervals
/// and a margin, as Flower and Celery's <c>state.Worker.alive</c> judge it (<c>HEARTBEAT_EXPIRE_WINDOW</c> 200 %).
/// </summary>
internal static class WorkerLiveness
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    public static bool IsOnline(WorkerRecord worker, DateTimeOffset now) =>
        worker.Online && now - worker.LastHeartbeat <= TimeSpan.FromSeconds(2 * (worker.Frequency is > 0 and var f ? f : 2.0)) + Margin;
}
