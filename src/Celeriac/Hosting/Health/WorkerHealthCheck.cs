using Celeriac.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Celeriac.Hosting.Health;

/// <summary>
/// <c>celeriac-worker</c>: every hosted worker is consuming and not stuck. Waiting — in a blocking
/// receive on an empty queue, or for a free slot while tasks run — is alive; the loop is stuck when
/// it stays in any other step past <see cref="StuckAfter"/>, and not consuming while it has not
/// started, is stopping, or its last fetch failed (the broker is unreachable). After a failed fetch a
/// new receive may wait on a reconnect, or on an empty queue once the broker is back: the two look
/// alike from the loop, so the check asks the broker (one queue-depth round trip) until a fetch succeeds.
/// </summary>
internal sealed class WorkerHealthCheck(IEnumerable<CeleriacWorkerService> workers, CeleriacApp app) : IHealthCheck
{
    /// <summary>How long the fetch loop may stay in one working step (handing out a batch) before it counts as stuck.</summary>
    internal static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(60);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = app.Options.TimeProvider.GetUtcNow();
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        var described = new List<string>();
        foreach (var service in workers)
        {
            if (service.Worker is not { } worker)
            {
                problems.Add("a worker is not created yet (the host has not started)");
                continue;
            }
            var health = worker.Health();
            var name = worker.Hostname;
            data[name] = new Dictionary<string, object?>
            {
                ["phase"] = health.Phase.ToString(),
                ["since"] = health.PhaseSince,
                ["active"] = health.Active,
                ["lastHeartbeat"] = health.LastHeartbeat,
                ["lastFetchError"] = health.LastFetchError,
            };
            var age = now - health.PhaseSince;
            var problem = health switch
            {
                { Stopping: true } => $"{name} is stopping",
                { Phase: FetchPhase.NotStarted } => $"{name} is not consuming: not started{(service.StartError is { } e ? $" ({e})" : "")}",
                { Phase: FetchPhase.Stopped } => $"{name} is not consuming: its fetch loop has ended",
                { Phase: FetchPhase.Failing } => NotConsuming(name, health, null),
                { FetchFailures: > 0 } when await BrokerProblemAsync(worker, cancellationToken).ConfigureAwait(false) is { } broker => NotConsuming(name, health, broker),
                { Phase: FetchPhase.Dispatching } when age > StuckAfter => $"{name} is stuck: its fetch loop has been handing out one batch for {age.TotalSeconds:0} s",
                _ => null,
            };
            if (problem is not null) problems.Add(problem);
            else described.Add($"{name} {(health.Phase == FetchPhase.WaitingForCredit ? "busy (all slots taken)" : "consuming")}, {health.Active} task(s) running");
        }
        return problems.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data)
            : HealthCheckResult.Healthy(string.Join("; ", described), data);
    }

    private static string NotConsuming(string name, WorkerHealth health, string? broker) =>
        $"{name} is not consuming: fetching failed {health.FetchFailures} time(s) in a row, last: {health.LastFetchError}" +
        (broker is null ? "" : $"; the broker still does not answer: {broker}");

    /// <summary>Why the broker does not answer a queue-depth read, or null when it does.</summary>
    private async Task<string?> BrokerProblemAsync(CeleriacWorker worker, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CeleriacHealthChecks.Timeout);
            await app.Transport.GetQueueDepthAsync(worker.Options.Queues[0], timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return ex is OperationCanceledException ? $"no answer within {CeleriacHealthChecks.Timeout.TotalSeconds:0} s" : ex.Message;
        }
    }
}
