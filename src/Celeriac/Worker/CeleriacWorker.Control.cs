using Celeriac.Control.Mailbox;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>Remote control (docs/protocol.md §7): the worker's mailbox and the commands it answers.</content>
public sealed partial class CeleriacWorker
{
    private readonly TrackedRequests _requests = new();
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerMailbox? _mailbox;
    private ILogger? _controlLog;

    /// <summary>The requests this worker holds now (reserved, waiting for an ETA, running).</summary>
    internal TrackedRequests Requests => _requests;

    /// <summary>The remote-control log (<c>Celeriac.Control</c>).</summary>
    internal ILogger ControlLog => _controlLog ??= _app.Options.LoggerFactory.CreateLogger("Celeriac.Control");

    /// <summary>Completes when a stop begins, whoever asked (<see cref="StopAsync"/>, a remote <c>shutdown</c>).</summary>
    internal Task StopRequested => _stopRequested.Task;

    /// <summary>How long a control command may run before the mailbox answers with an error (tests shorten it).</summary>
    internal TimeSpan ControlHandlerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Subscribes the worker's mailbox (<c>&lt;node&gt;.celery.pidbox</c>) before the worker says it is
    /// ready, so a request sent right after <c>ready</c> is answered. A transport without fanout
    /// gets no remote control (logged).
    /// </summary>
    /// <summary>A test seam: commands the mailbox looks up before the panel's.</summary>
    internal IReadOnlyList<ControlCommand> ExtraControlCommandsForTests { get; set; } = [];

    private async Task StartControlAsync(CancellationToken cancellationToken)
    {
        if (_app.Transport is not IBroadcast broadcast)
        {
            ControlLog.LogWarning("The transport of {Broker} has no fanout: {Hostname} answers no remote control", _app.Options.BrokerUrl, Hostname);
            return;
        }
        var context = new ControlContext(this, _app, _requests, _app.Options.TimeProvider.GetUtcNow());
        var mailbox = new WorkerMailbox(broadcast, context, ControlLog) { HandlerTimeout = ControlHandlerTimeout, ExtraCommands = ExtraControlCommandsForTests };
        await mailbox.StartAsync(cancellationToken).ConfigureAwait(false);
        _mailbox = mailbox;
    }

    /// <summary>
    /// Closes the mailbox; called first when the worker stops. It stops taking commands at once and
    /// finishes closing as tracked background work, so the stop goes straight on to stop fetching.
    /// </summary>
    private Task StopControlAsync()
    {
        if (_mailbox is not { } mailbox) return Task.CompletedTask;
        mailbox.Close();
        _background.Track(mailbox.DisposeAsync().AsTask(), "closing the remote-control mailbox");
        return Task.CompletedTask;
    }

    /// <summary>
    /// The <c>shutdown</c> command: a graceful stop started on its own (the stop closes the mailbox
    /// whose command asked for it, so the command must not wait for it). <c>worker-offline</c> goes
    /// out at the end of the stop, as on any clean stop.
    /// </summary>
    internal void ShutdownFromRemote(string reason)
    {
        ControlLog.LogWarning("{Hostname}: {Reason}", Hostname, reason);
        _ = Task.Run(async () =>
        {
            try { await StopAsync().ConfigureAwait(false); }
            catch (Exception ex) { ControlLog.LogError(ex, "The remote shutdown of {Hostname} failed", Hostname); }
        });
    }

    /// <summary>Hook: the request has begun running (<c>active</c>, <c>stats</c> totals).</summary>
    private void TrackStarted(TaskRequest request) =>
        _requests.Started(request, _app.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
}
