using Celeriac.Control.Mailbox.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Celeriac.Hosting.Health;

/// <summary>
/// <c>celeriac-broker</c>: one cheap round trip through the transport — the depth of the default
/// queue (Redis <c>LLEN</c>, a passive declare on RabbitMQ) — within <see cref="CeleriacHealthChecks.Timeout"/>.
/// </summary>
internal sealed class BrokerHealthCheck(CeleriacApp app) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var url = SettingsMask.Url(app.Options.BrokerUrl);
        var queue = app.Options.DefaultQueue;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CeleriacHealthChecks.Timeout);
            var depth = await app.Transport.GetQueueDepthAsync(queue, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Broker {url} reachable; queue '{queue}' holds {depth} message(s)",
                new Dictionary<string, object> { ["broker"] = url, ["queue"] = queue, ["depth"] = depth });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var why = ex is OperationCanceledException ? $"no answer within {CeleriacHealthChecks.Timeout.TotalSeconds:0} s" : ex.Message;
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"Broker {url} unreachable: reading the depth of queue '{queue}' failed: {why}", ex,
                new Dictionary<string, object> { ["broker"] = url, ["queue"] = queue });
        }
    }
}
