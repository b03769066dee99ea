using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Celeriac.Hosting.Health;

/// <summary>
/// <c>celeriac-beat</c>: Healthy for the leader and for a standby (<c>data["leader"]</c> says which);
/// Unhealthy while not started, when its last cycle failed (the store is unreachable), or when the
/// loop — which wakes at least every <c>MaxLoopInterval</c> and renew interval — has not finished a
/// cycle for several of them (stuck).
/// </summary>
internal sealed class BeatHealthCheck(IEnumerable<CeleriacBeatService> beats, CeleriacApp app) : IHealthCheck
{
    /// <summary>How many loop intervals without a finished cycle count as stuck (at least 30 s).</summary>
    private const int StuckCycles = 10;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = app.Options.TimeProvider.GetUtcNow();
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        var leader = false;
        foreach (var service in beats)
        {
            if (service.Beat is not { } beat)
            {
                problems.Add("a beat is not created yet (the host has not started)");
                continue;
            }
            var health = beat.Health();
            leader |= health.IsLeader;
            var name = beat.Options.ScheduleName;
            var interval = beat.Options.MaxLoopInterval > beat.Options.LeaseRenewInterval ? beat.Options.MaxLoopInterval : beat.Options.LeaseRenewInterval;
            var stuckAfter = TimeSpan.FromTicks(Math.Max(interval.Ticks * StuckCycles, TimeSpan.FromSeconds(30).Ticks));
            var problem = health switch
            {
                { Stopped: true } => $"beat '{name}' is stopped",
                { Running: false } => $"beat '{name}' is not running{(service.StartError is { } e ? $": starting failed ({e})" : "")}",
                { LastError: { } error } => $"beat '{name}': its last cycle failed (schedule store or broker unreachable): {error}",
                { LastCycle: { } last } when now - last > stuckAfter => $"beat '{name}' is stuck: no cycle finished for {(now - last).TotalSeconds:0} s",
                _ => null,
            };
            if (problem is not null) problems.Add(problem);
        }
        data["leader"] = leader;
        return Task.FromResult(problems.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data)
            : HealthCheckResult.Healthy(leader ? "Beat publishing (leader)" : "Beat standing by (another process holds the lease)", data));
    }
}
