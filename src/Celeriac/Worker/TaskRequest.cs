using Celeriac.Protocol.Messages;
using Celeriac.Tasks;
using Celeriac.Transport;

namespace Celeriac.Worker;

/// <summary>A reserved task: the delivery, its decoded message and the task that runs it.</summary>
internal sealed record TaskRequest(TransportDelivery Delivery, TaskMessage Message, TaskDefinition Task, bool AcksLate, bool AcksOnFailure)
{
    /// <summary>Cancelled when the request is terminated (<c>revoke</c> with <c>terminate</c>); linked into its task's token.</summary>
    public CancellationTokenSource Termination { get; } = new();
}
