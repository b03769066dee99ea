using Celeriac.Control.Mailbox.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Celeriac.Hosting.Health;

/// <summary>
/// <c>celeriac-backend</c> (only when a result backend is configured): reads the state of a task id
/// that never exists — one round trip (Redis <c>GET</c>) that answers PENDING.
/// </summary>
internal sealed class BackendHealthCheck(CeleriacApp app) : IHealthCheck
{
    private const string ProbeId = "celeriac-health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var url = SettingsMask.Url(app.Options.ResultBackend ?? "");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CeleriacHealthChecks.Timeout);
            await app.Backend.GetAsync(ProbeId, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Result backend {url} reachable", new Dictionary<string, object> { ["backend"] = url });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var why = ex is OperationCanceledException ? $"no answer within {CeleriacHealthChecks.Timeout.TotalSeconds:0} s" : ex.Message;
            return new HealthCheckResult(context.Registration.FailureStatus, $"Result backend {url} unreachable: reading a result failed: {why}", ex,
                new Dictionary<string, object> { ["backend"] = url });
        }
    }
}
