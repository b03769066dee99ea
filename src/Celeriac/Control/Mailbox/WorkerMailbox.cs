using System.Text.Json.Nodes;
using System.Threading.Channels;
using Celeriac.Exceptions;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// A worker's remote-control mailbox (docs/protocol.md §7): the queue <c>&lt;node&gt;.celery.pidbox</c> bound
/// to the fanout <c>celery.pidbox</c>. A receive loop reads requests, adjusts the clock and picks
/// those for this node; an executor runs them one at a time, in arrival order, and replies. So a
/// slow command never stops the mailbox from reading, later answers never overtake earlier ones,
/// and a command that hangs is answered with an error after <see cref="HandlerTimeout"/>.
/// Nothing a request holds stops either loop: a malformed request is logged and dropped, a handler
/// that throws is answered <c>{"error": repr}</c>.
/// </summary>
internal sealed class WorkerMailbox : IAsyncDisposable
{
    /// <summary>Celery's mailbox exchange (<c>&lt;control_exchange&gt;.pidbox</c>).</summary>
    public const string Exchange = "celery.pidbox";

    /// <summary>Where replies go when a request names no exchange.</summary>
    public const string ReplyExchange = "reply.celery.pidbox";

    private readonly IBroadcast _broadcast;
    private readonly ControlContext _context;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<MailboxRequest> _pending = Channel.CreateUnbounded<MailboxRequest>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private IBroadcastSubscription? _subscription;
    private Task _receiving = Task.CompletedTask;
    private Task _executing = Task.CompletedTask;
    private int _closed;
    private int _disposed;

    public WorkerMailbox(IBroadcast broadcast, ControlContext context, ILogger log)
    {
        _broadcast = broadcast;
        _context = context;
        _log = log;
    }

    /// <summary>How long a command may run before it is answered with an error (it runs on unobserved).</summary>
    public TimeSpan HandlerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Commands looked up before the panel's (a test seam: commands that throw, hang or take their time).</summary>
    public IReadOnlyList<ControlCommand> ExtraCommands { get; init; } = [];

    /// <summary>The mailbox queue of a node.</summary>
    public static string QueueName(string node) => $"{node}.celery.pidbox";

    /// <summary>Subscribes, then starts reading; a request published once this returns is answered.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        _executing = Task.Run(ExecuteLoopAsync, CancellationToken.None);
        _receiving = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    private ValueTask<IBroadcastSubscription> SubscribeAsync(CancellationToken cancellationToken) =>
        _broadcast.SubscribeAsync(Exchange, "", QueueName(_context.Hostname), cancellationToken);

    private async Task ReceiveLoopAsync()
    {
        var token = _stopping.Token;
        var failures = 0;
        while (!token.IsCancellationRequested)
        {
            BroadcastMessage? received;
            try
            {
                received = await _subscription!.ReceiveAsync(token).ConfigureAwait(false);
                if (received is null)
                {
                    if (token.IsCancellationRequested) return;
                    // The subscription ended under us (its connection closed for good): open a new one.
                    _log.LogWarning("The mailbox {Queue} was closed; subscribing again", QueueName(_context.Hostname));
                    await ResubscribeAsync(token).ConfigureAwait(false);
                    continue;
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * Math.Pow(2, Math.Min(failures++, 6))));
                _log.LogError(ex, "Reading the mailbox {Queue} failed; retrying in {Delay}", QueueName(_context.Hostname), delay);
                try { await Task.Delay(delay, token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            try
            {
                Accept(received);
            }
            catch (Exception ex)
            {
                // A bug in reading one request must not close the mailbox.
                _log.LogError(ex, "A control request could not be handled; the mailbox goes on");
            }
        }
    }

    private async Task ResubscribeAsync(CancellationToken token)
    {
        var old = _subscription;
        if (old is not null)
        {
            try { await old.DisposeAsync().ConfigureAwait(false); }
            catch (Exception ex) { _log.LogDebug(ex, "Closing the old mailbox subscription failed"); }
        }
        _subscription = await SubscribeAsync(token).ConfigureAwait(false);
    }

    /// <summary>Reads one request, adjusts the clock and queues it when it is for this node (docs/protocol.md §7.3).</summary>
    private void Accept(BroadcastMessage received)
    {
        MailboxRequest request;
        try
        {
            request = MailboxRequest.Read(received);
        }
        catch (FormatException ex)
        {
            _log.LogWarning("Dropped a malformed control request: {Reason}", ex.Message);
            return;
        }
        // As Celery's worker: forward (clients rarely carry a useful clock), then adjust to the sender's.
        var clock = _context.App.Clock;
        clock.Forward();
        clock.Adjust(request.Clock);
        bool selected;
        try
        {
            selected = NodeSelection.Selects(request.Request, _context.Hostname);
        }
        catch (FormatException ex)
        {
            _log.LogWarning("Dropped control request {Method}: {Reason}", request.Request.Method, ex.Message);
            return;
        }
        if (!selected) return;
        _log.LogDebug("Control request {Method} {Arguments} (reply to {ReplyTo}, ticket {Ticket})",
            request.Request.Method, CeleryJson.ToJsonString(request.Request.Arguments), request.Request.ReplyTo?.RoutingKey, request.Request.Ticket);
        _pending.Writer.TryWrite(request);
    }

    private async Task ExecuteLoopAsync()
    {
        await foreach (var request in _pending.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await ExecuteAsync(request).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "Control command {Method} could not be answered; the mailbox goes on", request.Request.Method);
            }
        }
    }

    private async Task ExecuteAsync(MailboxRequest received)
    {
        var request = received.Request;
        var token = _stopping.Token;
        JsonNode? value;
        var replies = true;
        var command = ExtraCommands.FirstOrDefault(c => c.Name == request.Method);
        if (command is null && !ControlPanel.TryGet(request.Method, out command))
        {
            _log.LogWarning("No such control command: {Method}", request.Method);
            value = ControlCommand.Error(ExceptionInfo("KeyError", request.Method));
        }
        else
        {
            replies = command.Replies;
            try
            {
                value = await command.Handler(_context, new ControlArguments(request.Arguments), token).AsTask()
                    .WaitAsync(HandlerTimeout, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return; // the mailbox is closing; the client's wait ends with its timeout
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "Control command {Method} failed", request.Method);
                value = ControlCommand.Error(Repr(ex));
            }
        }
        if (!replies || request.ReplyTo is not { } replyTo) return;
        await ReplyAsync(request.Ticket, replyTo, value, token).ConfigureAwait(false);
    }

    /// <summary>Replies <c>{node: value}</c> with the ticket and a forwarded clock (docs/protocol.md §7.4).</summary>
    private async Task ReplyAsync(string? ticket, DeliveryInfo replyTo, JsonNode? value, CancellationToken token)
    {
        // A handler may hand back a node that belongs to the worker's own state: the reply takes a copy.
        if (value?.Parent is not null) value = value.DeepClone();
        var body = CeleryJson.ToUtf8Bytes(new JsonObject { [_context.Hostname] = value });
        var headers = new JsonObject { ["ticket"] = ticket, ["clock"] = _context.App.Clock.Forward() };
        var message = new BrokerMessage(headers, new MessageProperties { DeliveryMode = 1 }, body);
        var exchange = string.IsNullOrEmpty(replyTo.Exchange) ? ReplyExchange : replyTo.Exchange;
        try
        {
            await _broadcast.SendDirectAsync(exchange, replyTo.RoutingKey, message, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "The reply to {RoutingKey} could not be sent", replyTo.RoutingKey);
        }
    }

    /// <summary>An error reply's text: Python's <c>repr(exc)</c> of the exception (a bad argument as a <c>TypeError</c>).</summary>
    internal static string Repr(Exception ex) => ex switch
    {
        ControlArgumentException => ExceptionInfo("TypeError", ex.Message),
        _ => ExceptionInfoFactory.From(ex).Repr,
    };

    private static string ExceptionInfo(string type, string message) =>
        Protocol.Results.ExceptionInfo.Of(type, "builtins", message).Repr;

    /// <summary>
    /// Stops taking requests, at once and without waiting: the worker's stop calls it first and
    /// must not be held up before it stops fetching. <see cref="DisposeAsync"/> then waits for the loops.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _pending.Writer.TryComplete();
        _stopping.Cancel();
    }

    /// <summary>Stops reading (<see cref="Close"/>), waits a moment for a command under way, unsubscribes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Close();
        try
        {
            await Task.WhenAll(_receiving, _executing).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogDebug(ex, "The mailbox loops did not end cleanly");
        }
        if (_subscription is { } subscription)
        {
            try { await subscription.DisposeAsync().ConfigureAwait(false); }
            catch (Exception ex) { _log.LogDebug(ex, "Closing the mailbox subscription failed"); }
        }
    }
}
