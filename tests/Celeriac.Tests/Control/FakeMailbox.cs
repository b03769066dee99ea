using System.Text.Json.Nodes;
using Celeriac.Protocol.Control;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Tests.Control;

/// <summary>
/// A stand-in for a worker's mailbox: subscribes to <c>celery.pidbox</c> and answers every request
/// that wants a reply with what <c>answer</c> returns, as a worker would (SendDirectAsync to the reply_to).
/// Records the requests and their headers.
/// </summary>
internal sealed class FakeMailbox : IAsyncDisposable
{
    private readonly IBroadcast _broadcast;
    private readonly IBroadcastSubscription _subscription;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private FakeMailbox(IBroadcast broadcast, IBroadcastSubscription subscription, string node, Func<ControlRequest, IEnumerable<(string Ticket, JsonNode? Value)>> answer)
    {
        _broadcast = broadcast;
        _subscription = subscription;
        _loop = Task.Run(async () =>
        {
            while (await _subscription.ReceiveAsync(_stop.Token) is { Message: { } m })
            {
                var request = ControlRequest.Parse(m.Body.Span);
                lock (Requests) Requests.Add((request, m.Headers, m.Properties.DeliveryMode));
                if (request.ReplyTo is not { } to) continue;
                foreach (var (ticket, value) in answer(request))
                {
                    var body = CeleryJson.ToUtf8Bytes(new ControlReply(node, value).ToJson());
                    await _broadcast.SendDirectAsync(to.Exchange, to.RoutingKey, new BrokerMessage(ControlReply.Headers(ticket, 1000), new MessageProperties { DeliveryMode = 1 }, body));
                }
            }
        });
    }

    public List<(ControlRequest Request, JsonObject Headers, int DeliveryMode)> Requests { get; } = [];

    /// <summary>A mailbox for <paramref name="node"/> that answers each request once with its own ticket.</summary>
    public static Task<FakeMailbox> StartAsync(CeleriacApp app, string node, Func<ControlRequest, JsonNode?> answer) =>
        StartAsync(app, node, r => [(r.Ticket!, answer(r))]);

    /// <summary>A mailbox that decides tickets and how many replies to send.</summary>
    public static async Task<FakeMailbox> StartAsync(CeleriacApp app, string node, Func<ControlRequest, IEnumerable<(string, JsonNode?)>> answer)
    {
        var broadcast = (IBroadcast)app.Transport;
        var subscription = await broadcast.SubscribeAsync("celery.pidbox", "", $"{node}.celery.pidbox");
        return new FakeMailbox(broadcast, subscription, node, answer);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _subscription.DisposeAsync();
    }
}
