using Celeriac.Transport;

namespace Celeriac.Worker;

/// <summary>A receive on its way, and the credit it holds until its deliveries are counted.</summary>
internal sealed record PendingReceive(Task<IReadOnlyList<TransportDelivery>> Deliveries, int Asked);
