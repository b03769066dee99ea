using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Events;
using Celeriac.Protocol.Json;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Events;

/// <summary>
/// Receives the cluster's events (Celery's <c>EventReceiver</c>, docs/protocol.md §6): subscribes a
/// <c>celeryev.&lt;uuid&gt;</c> queue to the <c>celeryev</c> exchange with a binding key, reads object and
/// <c>task.multi</c> array bodies from Python and Celeriac workers alike, and adjusts each event as
/// Python does: the Lamport clock (except <c>task-sent</c>, whose client clock is not trusted), the
/// timestamp shifted by the sender's <c>utcoffset</c> against ours, and <c>local_received</c>.
/// Malformed bodies are logged and skipped. Events published before <see cref="OpenAsync"/> returns
/// are not seen.
/// </summary>
public sealed class EventReceiver : IAsyncDisposable
{
    private const string Exchange = "celeryev";
    private readonly CeleriacApp _app;
    private readonly IBroadcastSubscription _subscription;
    private readonly ILogger _logger;

    private EventReceiver(CeleriacApp app, IBroadcastSubscription subscription, ILogger logger)
    {
        _app = app;
        _subscription = subscription;
        _logger = logger;
    }

    /// <summary>Subscribes to the events whose routing key matches <paramref name="bindingKey"/>.</summary>
    /// <param name="app">The app whose broker to listen on.</param>
    /// <param name="bindingKey"><c>#</c> for all, <c>worker.#</c> for worker events, <c>task.#</c> for task events, …</param>
    /// <param name="wakeup">Also ask every worker for a heartbeat now, as a starting Celery monitor does, so they show up at once.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <exception cref="NotSupportedException">The broker's transport has no fanout.</exception>
    public static async Task<EventReceiver> OpenAsync(CeleriacApp app, string bindingKey = "#", bool wakeup = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var broadcast = app.Transport as IBroadcast
            ?? throw new NotSupportedException($"The broker transport of '{app.Options.BrokerUrl}' has no fanout, so events cannot be received.");
        var subscription = await broadcast.SubscribeAsync(Exchange, bindingKey, $"celeryev.{Guid.NewGuid()}", cancellationToken).ConfigureAwait(false);
        var receiver = new EventReceiver(app, subscription, app.Options.LoggerFactory.CreateLogger("Celeriac.Events.Receiver"));
        if (wakeup) await app.Control.HeartbeatAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return receiver;
    }

    /// <summary>The events as they arrive, until <paramref name="cancellationToken"/> fires or the receiver is disposed.</summary>
    public async IAsyncEnumerable<CeleryEventInfo> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var message = await _subscription.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (message is null) yield break;
            if (message.Message is not { } m)
            {
                _logger.LogWarning("Skipped an unreadable event message ({RoutingKey}): {Reason}", message.RoutingKey, message.Malformed?.Message);
                continue;
            }
            IReadOnlyList<CeleryEventInfo> events;
            try
            {
                events = Read(CeleryJson.Parse(m.Body.Span));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                _logger.LogWarning("Skipped a malformed event body ({RoutingKey}): {Reason}", message.RoutingKey, ex.Message);
                continue;
            }
            foreach (var e in events) yield return e;
        }
    }

    /// <summary>Reads an event body (an object or a batch array) and adjusts each event as Python's receiver does.</summary>
    internal IReadOnlyList<CeleryEventInfo> Read(JsonNode? body) => body switch
    {
        JsonObject one => [Adjust((JsonObject)one.DeepClone())],
        JsonArray many => many.Select(e => e is JsonObject o ? Adjust((JsonObject)o.DeepClone()) : throw new FormatException("event batch holds a non-object")).ToList(),
        _ => throw new FormatException("event body is neither an object nor an array"),
    };

    private CeleryEventInfo Adjust(JsonObject body)
    {
        var type = CeleryJson.GetString(body, "type") ?? throw new FormatException("event has no type");
        var clock = _app.Clock;
        if (type == "task-sent")
        {
            // Clients never sync their clocks, so theirs is replaced by ours minus one (CLIENT_CLOCK_SKEW).
            var value = (clock.Value == 0 ? 1 : clock.Value) - 1;
            body["clock"] = value;
            clock.Adjust(value);
        }
        else if (CeleryJson.AsInt64(body["clock"]) is { } theirs) clock.Adjust(theirs);
        else body["clock"] = clock.Forward();

        var now = _app.Options.TimeProvider;
        if (CeleryJson.AsInt64(body["utcoffset"]) is { } offset && CeleryJson.AsDouble(body["timestamp"]) is { } timestamp)
        {
            var here = CeleryEvent.LocalUtcOffset(now.GetLocalNow());
            body["timestamp"] = CeleryJson.PythonFloat(timestamp - (offset - here) * 3600);
        }
        var received = now.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        body["local_received"] = CeleryJson.PythonFloat(received);
        return new CeleryEventInfo(body, type, received);
    }

    /// <summary>Unsubscribes and removes the binding.</summary>
    public ValueTask DisposeAsync() => _subscription.DisposeAsync();
}
