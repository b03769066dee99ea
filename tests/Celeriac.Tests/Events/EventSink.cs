using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Tests.Support;
using Celeriac.Transport;

namespace Celeriac.Tests.Events;

/// <summary>A monitor on the <c>celeryev</c> exchange: every message received, its routing key, headers and body.</summary>
internal sealed class EventSink : IAsyncDisposable
{
    private readonly IBroadcastSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<Received> _messages = new();

    public sealed record Received(string RoutingKey, JsonObject Headers, int DeliveryMode, JsonNode Body);

    private EventSink(IBroadcastSubscription subscription)
    {
        _subscription = subscription;
        _loop = Task.Run(LoopAsync);
    }

    public static Task<EventSink> StartAsync(CeleriacApp app) => StartAsync((IBroadcast)app.Transport);

    public static async Task<EventSink> StartAsync(IBroadcast broadcast) =>
        new(await broadcast.SubscribeAsync("celeryev", "#", "celeryev." + Guid.NewGuid()));

    /// <summary>The messages received so far.</summary>
    public IReadOnlyList<Received> Messages => _messages.ToArray();

    /// <summary>Every event so far, batches unpacked, in arrival order.</summary>
    public IReadOnlyList<JsonObject> Events => Messages.SelectMany(m => m.Body is JsonArray a ? a.Select(e => (JsonObject)e!) : [(JsonObject)m.Body]).ToArray();

    public IReadOnlyList<JsonObject> OfType(string type) => Events.Where(e => (string?)e["type"] == type).ToArray();

    public async Task<JsonObject> WaitForAsync(string type, Func<JsonObject, bool>? where = null, TimeSpan? timeout = null)
    {
        JsonObject? found = null;
        await Until.TrueAsync(() => (found = OfType(type).FirstOrDefault(e => where?.Invoke(e) ?? true)) is not null, $"a {type} event arrives", timeout);
        return found!;
    }

    private async Task LoopAsync()
    {
        while (await _subscription.ReceiveAsync(_stop.Token) is { } m)
        {
            if (m.Message is not { } message) continue;
            _messages.Enqueue(new Received(m.RoutingKey, message.Headers, message.Properties.DeliveryMode, CeleryJson.Parse(message.Body.Span)!));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        await _subscription.DisposeAsync();
        _stop.Dispose();
    }
}
