using Celeriac.Worker;

namespace Celeriac.Control.Mailbox;

/// <summary>What a command handler works on: the worker, its app, the requests it holds and when it started.</summary>
internal sealed record ControlContext(CeleriacWorker Worker, CeleriacApp App, TrackedRequests Requests, DateTimeOffset StartedAt)
{
    /// <summary>This node's name.</summary>
    public string Hostname => Worker.Hostname;
}
