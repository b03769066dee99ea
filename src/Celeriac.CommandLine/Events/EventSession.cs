using Celeriac.Control;
using Celeriac.Events;

namespace Celeriac.CommandLine.Events;

/// <summary>
/// The app and the event subscription one <c>celeriac events</c> run reads from. Subscribing comes first, then
/// the wake-up (every worker sends a heartbeat at once, as a starting Celery receiver asks) and, with
/// <c>--enable-events</c>, <c>enable_events</c> — so the first events they cause are not missed.
/// </summary>
internal sealed class EventSession : IAsyncDisposable
{
    private readonly CliAppLease _lease;

    private EventSession(CliAppLease lease, EventReceiver receiver)
    {
        _lease = lease;
        App = lease.App;
        Receiver = receiver;
    }

    public CeleriacApp App { get; }

    public EventReceiver Receiver { get; }

    public static async Task<EventSession> OpenAsync(EventsRequest request, CancellationToken cancellationToken)
    {
        var lease = CliAppFactory.Open(request.Settings);
        var app = lease.App;
        try
        {
            var receiver = await EventReceiver.OpenAsync(app, "#", wakeup: true, cancellationToken).ConfigureAwait(false);
            if (request.EnableEvents)
            {
                var destination = request.Settings.Destination;
                // No replies awaited: the events that follow show which workers turned them on.
                await app.Control.EnableEventsAsync(new ControlCallOptions
                {
                    Destination = destination.Count > 0 ? destination : null,
                    Reply = false,
                }, cancellationToken).ConfigureAwait(false);
            }
            return new EventSession(lease, receiver);
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync().ConfigureAwait(false);
        await _lease.DisposeAsync().ConfigureAwait(false);
    }
}
