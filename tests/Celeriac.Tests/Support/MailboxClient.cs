using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Tests.Support;

/// <summary>
/// A control client built on the broadcast seam, as kombu's <c>Mailbox</c> is: requests go to the
/// fanout <c>celery.pidbox</c> with a ticket and <c>reply_to</c>; replies come into a private queue
/// bound to <c>reply.celery.pidbox</c> with the client's oid.
/// </summary>
internal sealed class MailboxClient : IAsyncDisposable
{
    private readonly IBroadcast _broadcast;
    private readonly IBroadcastSubscription _replies;
    private readonly string _oid;
    private readonly List<(JsonObject Headers, JsonObject Body)> _unclaimed = [];

    private MailboxClient(IBroadcast broadcast, IBroadcastSubscription replies, string oid)
    {
        _broadcast = broadcast;
        _replies = replies;
        _oid = oid;
    }

    public static async Task<MailboxClient> OpenAsync(CeleriacApp app)
    {
        var broadcast = (IBroadcast)app.Transport;
        var oid = Guid.NewGuid().ToString();
        var replies = await broadcast.OpenDirectQueueAsync("reply.celery.pidbox", oid, $"{oid}.reply.celery.pidbox");
        return new MailboxClient(broadcast, replies, oid);
    }

    /// <summary>The sender's clock written into requests.</summary>
    public long Clock { get; set; } = 10;

    /// <summary>Sends a request wanting replies and collects those with its ticket until <paramref name="expected"/> came or the timeout passed.</summary>
    public async Task<IReadOnlyList<(JsonObject Headers, JsonObject Body)>> CallAsync(string method, JsonObject? arguments = null,
        IReadOnlyList<string>? destination = null, string? pattern = null, string? matcher = null, int expected = 1, TimeSpan? timeout = null)
    {
        var ticket = Guid.NewGuid().ToString();
        var request = new ControlRequest
        {
            Method = method,
            Arguments = arguments ?? new JsonObject(),
            Destination = destination,
            Pattern = pattern,
            Matcher = matcher,
            Ticket = ticket,
            ReplyTo = new DeliveryInfo("reply.celery.pidbox", _oid),
        };
        await PublishAsync(request.ToJson());
        return await CollectAsync(ticket, expected, timeout ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>The one reply's value for <paramref name="node"/>; fails when none came.</summary>
    public async Task<JsonNode?> AskAsync(string node, string method, JsonObject? arguments = null, TimeSpan? timeout = null)
    {
        var replies = await CallAsync(method, arguments, timeout: timeout);
        replies.Should().HaveCount(1, $"{node} should answer {method}");
        replies[0].Body.Should().ContainKey(node);
        return replies[0].Body[node];
    }

    /// <summary>Sends a request without reply_to (a cast).</summary>
    public Task CastAsync(string method, JsonObject? arguments = null) =>
        PublishAsync(new ControlRequest { Method = method, Arguments = arguments ?? new JsonObject() }.ToJson());

    /// <summary>Publishes any body with the given headers (default: this client's clock).</summary>
    public async Task PublishAsync(JsonNode body, JsonObject? headers = null) =>
        await PublishRawAsync(Encoding.UTF8.GetBytes(CeleryJson.ToJsonString(body)), headers);

    public async Task PublishRawAsync(byte[] body, JsonObject? headers = null, string contentType = ContentTypes.Json) =>
        await _broadcast.PublishAsync("celery.pidbox", "", new BrokerMessage(headers ?? ControlRequest.Headers(Clock, 0), new MessageProperties(), body, contentType));

    public async Task<IReadOnlyList<(JsonObject Headers, JsonObject Body)>> CollectAsync(string ticket, int expected, TimeSpan timeout)
    {
        var found = new List<(JsonObject, JsonObject)>();
        lock (_unclaimed)
        {
            found.AddRange(_unclaimed.Where(r => CeleryJson.GetString(r.Headers, "ticket") == ticket));
            _unclaimed.RemoveAll(r => CeleryJson.GetString(r.Headers, "ticket") == ticket);
        }
        using var cts = new CancellationTokenSource(timeout);
        while (found.Count < expected)
        {
            var received = await _replies.ReceiveAsync(cts.Token);
            if (received?.Message is not { } message) break;
            var reply = (message.Headers, (JsonObject)CeleryJson.Parse(message.Body.Span)!);
            if (CeleryJson.GetString(reply.Headers, "ticket") == ticket) found.Add(reply);
            else lock (_unclaimed) _unclaimed.Add(reply);
        }
        return found;
    }

    public ValueTask DisposeAsync() => _replies.DisposeAsync();
}
