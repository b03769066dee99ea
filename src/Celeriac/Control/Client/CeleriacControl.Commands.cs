using System.Text.Json.Nodes;

namespace Celeriac.Control;

/// <content>
/// Celery's control commands (<c>celery/app/control.py</c>), with the arguments Python sends. Each returns
/// the replies per node when <see cref="ControlCallOptions.Reply"/> is set, else an empty dictionary.
/// </content>
public sealed partial class CeleriacControl
{
    /// <summary>
    /// Revokes tasks: records the ids where every worker, also one started later, sees them, then
    /// tells running workers (<c>revoke</c>). With <paramref name="terminate"/> a running task is stopped.
    /// </summary>
    /// <param name="taskIds">The task ids.</param>
    /// <param name="terminate">Also stop the tasks that are running.</param>
    /// <param name="signal">The signal name Python workers send when terminating (Celery's default SIGTERM).</param>
    /// <param name="options">Addressing and reply collection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyDictionary<string, ControlResponse>> RevokeAsync(IReadOnlyCollection<string> taskIds, bool terminate = false,
        string signal = "SIGTERM", ControlCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        if (taskIds.Count == 0) throw new ArgumentException("At least one task id is needed.", nameof(taskIds));
        await _app.RememberRevokedAsync(taskIds, cancellationToken).ConfigureAwait(false);
        // app.control.revoke(id) sends the bare id; `celery control revoke a b` sends a list.
        JsonNode ids = taskIds.Count == 1 ? JsonValue.Create(taskIds.First())! : new JsonArray(taskIds.Select(i => (JsonNode?)i).ToArray());
        return await CommandAsync("revoke", new JsonObject { ["task_id"] = ids, ["terminate"] = terminate, ["signal"] = signal }, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a task type's rate limit on workers (<c>"10/m"</c>, <c>"5/s"</c>, <c>"100/h"</c>, or <c>"0"</c> for none).</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> RateLimitAsync(string taskName, string rateLimit, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("rate_limit", new JsonObject { ["task_name"] = taskName, ["rate_limit"] = rateLimit }, options, cancellationToken);

    /// <summary>Sets a task type's soft and hard time limits on workers, in seconds (null leaves one unset).</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> TimeLimitAsync(string taskName, double? soft = null, double? hard = null, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("time_limit", new JsonObject { ["task_name"] = taskName, ["hard"] = hard, ["soft"] = soft }, options, cancellationToken);

    /// <summary>Adds <paramref name="n"/> execution slots to workers' pools.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> PoolGrowAsync(int n = 1, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("pool_grow", new JsonObject { ["n"] = n }, options, cancellationToken);

    /// <summary>Removes <paramref name="n"/> execution slots from workers' pools.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> PoolShrinkAsync(int n = 1, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("pool_shrink", new JsonObject { ["n"] = n }, options, cancellationToken);

    /// <summary>Changes workers' autoscale bounds.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> AutoscaleAsync(int max, int min, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("autoscale", new JsonObject { ["max"] = max, ["min"] = min }, options, cancellationToken);

    /// <summary>Tells workers to start consuming from <paramref name="queue"/>.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> AddConsumerAsync(string queue, string? exchange = null, string exchangeType = "direct",
        string? routingKey = null, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("add_consumer", new JsonObject { ["queue"] = queue, ["exchange"] = exchange, ["exchange_type"] = exchangeType, ["routing_key"] = routingKey }, options, cancellationToken);

    /// <summary>Tells workers to stop consuming from <paramref name="queue"/>.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> CancelConsumerAsync(string queue, ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("cancel_consumer", new JsonObject { ["queue"] = queue }, options, cancellationToken);

    /// <summary>Tells workers to send task events.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> EnableEventsAsync(ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("enable_events", new JsonObject(), options, cancellationToken);

    /// <summary>Tells workers to stop sending task events.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> DisableEventsAsync(ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("disable_events", new JsonObject(), options, cancellationToken);

    /// <summary>Asks workers to send a <c>worker-heartbeat</c> event now (what a starting monitor does).</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> HeartbeatAsync(ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("heartbeat", new JsonObject(), options, cancellationToken);

    /// <summary>Tells workers to shut down gracefully. Workers never reply to it.</summary>
    public Task ShutdownAsync(ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        BroadcastAsync("shutdown", new JsonObject(), (options ?? new ControlCallOptions()) with { Reply = false }, cancellationToken);

    /// <summary>Pings workers and returns who answered (<c>{"ok": "pong"}</c> each); always waits for replies.</summary>
    public Task<IReadOnlyDictionary<string, ControlResponse>> PingAsync(ControlCallOptions? options = null, CancellationToken cancellationToken = default) =>
        CommandAsync("ping", new JsonObject(), (options ?? new ControlCallOptions()) with { Reply = true }, cancellationToken);

    private async Task<IReadOnlyDictionary<string, ControlResponse>> CommandAsync(string method, JsonObject arguments, ControlCallOptions? options, CancellationToken cancellationToken)
    {
        var replies = await BroadcastAsync(method, arguments, options, cancellationToken).ConfigureAwait(false);
        return replies.ToDictionary(r => r.Key, r => new ControlResponse(r.Value), StringComparer.Ordinal);
    }
}
