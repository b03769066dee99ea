using System.Text.Json.Nodes;
using Celeriac.Control.Client;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Control;

/// <summary>
/// Remote control of workers, Python's and Celeriac's alike (Celery's <c>app.control</c>,
/// docs/protocol.md §7): requests go to the <c>celery.pidbox</c> fanout exchange, replies come back on one
/// reply queue per client and are collected by ticket. Get it from <see cref="CeleriacApp.Control"/>.
/// Thread-safe; many broadcasts may be in flight at once.
/// </summary>
public sealed partial class CeleriacControl : IAsyncDisposable
{
    private readonly CeleriacApp _app;
    private readonly ILogger _logger;
    private ControlReplyQueue? _replies;
    private readonly Lock _gate = new();

    internal CeleriacControl(CeleriacApp app)
    {
        _app = app;
        _logger = app.Options.LoggerFactory.CreateLogger("Celeriac.Control");
    }

    /// <summary>Inspect commands addressed to <paramref name="destination"/> (every worker when null).</summary>
    /// <param name="destination">Node names, e.g. <c>celery@host</c>.</param>
    /// <param name="timeout">How long to wait for the next reply (default 1 second).</param>
    public CeleriacInspector Inspect(IReadOnlyList<string>? destination = null, TimeSpan? timeout = null) =>
        Inspect(new ControlCallOptions { Destination = destination, Timeout = timeout ?? ControlNames.DefaultTimeout });

    /// <summary>Inspect commands addressed and collected as <paramref name="options"/> say.</summary>
    public CeleriacInspector Inspect(ControlCallOptions options) => new(this, (options ?? throw new ArgumentNullException(nameof(options))) with { Reply = true }, _logger);

    /// <summary>
    /// Sends any command (Celery's <c>app.control.broadcast</c>) and, when <see cref="ControlCallOptions.Reply"/>
    /// is set, returns each replying node's value. Replies are collected until none came for
    /// <see cref="ControlCallOptions.Timeout"/> or <see cref="ControlCallOptions.Limit"/> arrived.
    /// </summary>
    /// <param name="method">Command name, e.g. <c>ping</c>, <c>rate_limit</c>.</param>
    /// <param name="arguments">The command's keyword arguments.</param>
    /// <param name="options">Addressing and reply collection; null for every worker, no reply.</param>
    /// <param name="cancellationToken">Stops waiting for replies.</param>
    /// <exception cref="NotSupportedException">The broker's transport has no fanout.</exception>
    public async Task<IReadOnlyDictionary<string, JsonNode?>> BroadcastAsync(string method, JsonObject? arguments = null,
        ControlCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        options ??= new ControlCallOptions();
        var broadcast = Broadcast;
        var limit = options.Limit ?? (options.Destination is { Count: > 0 } d ? d.Count : null);
        string? ticket = null;
        ControlReplyQueue.Waiter? waiter = null;
        if (options.Reply)
        {
            var replies = Replies;
            await replies.EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
            ticket = Guid.NewGuid().ToString();
            waiter = replies.Wait(ticket); // before publishing: a fast worker must not answer into the void
        }
        using (waiter)
        {
            var request = new ControlRequest
            {
                Method = method,
                Arguments = arguments ?? new JsonObject(),
                Destination = options.Destination is { Count: > 0 } dest ? dest : null,
                Pattern = options.Pattern,
                Matcher = options.Matcher,
                Ticket = ticket,
                ReplyTo = ticket is null ? null : new DeliveryInfo(ControlNames.ReplyExchange, Replies.Oid),
            };
            await broadcast.PublishAsync(ControlNames.PidboxExchange, "", ToMessage(request, options.Timeout), cancellationToken).ConfigureAwait(false);
            if (waiter is null) return new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            return await CollectAsync(waiter, options.Timeout, limit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The request message exactly as kombu's pidbox publishes it (docs/protocol.md §7.2).</summary>
    internal BrokerMessage ToMessage(ControlRequest request, TimeSpan timeout)
    {
        var now = _app.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var expires = timeout > TimeSpan.Zero ? now + timeout.TotalSeconds : 0;
        return new BrokerMessage(ControlRequest.Headers(_app.Clock.Forward(), expires),
            new MessageProperties { DeliveryMode = 2, Priority = 0 },
            CeleryJson.ToUtf8Bytes(request.ToJson()));
    }

    private async Task<IReadOnlyDictionary<string, JsonNode?>> CollectAsync(ControlReplyQueue.Waiter waiter, TimeSpan timeout, int? limit, CancellationToken cancellationToken)
    {
        var byNode = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var received = 0;
        while (limit is null || received < limit)
        {
            // As kombu's _collect: each reply may take up to the timeout, counted from the previous one.
            using var idle = new CancellationTokenSource(timeout, _app.Options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, cancellationToken);
            ControlReply reply;
            try
            {
                reply = await waiter.Replies.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
            received++;
            if (byNode.ContainsKey(reply.Node))
                _logger.LogWarning("Received multiple replies from node {Node}; give each worker a unique node name", reply.Node);
            byNode[reply.Node] = reply.Value;
        }
        return byNode;
    }

    private IBroadcast Broadcast => _app.Transport as IBroadcast
        ?? throw new NotSupportedException($"The broker transport of '{_app.Options.BrokerUrl}' has no fanout, so remote control is not available.");

    private ControlReplyQueue Replies
    {
        get
        {
            if (Volatile.Read(ref _replies) is { } existing) return existing;
            lock (_gate) return _replies ??= new ControlReplyQueue(Broadcast, _app.Clock, _logger);
        }
    }

    /// <summary>Removes the reply queue. The app does this when it is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        ControlReplyQueue? replies;
        lock (_gate) (replies, _replies) = (_replies, null);
        if (replies is not null) await replies.DisposeAsync().ConfigureAwait(false);
    }
}
