using Celeriac.Protocol.Results;
using Celeriac.Transport;

namespace Celeriac.Worker;

/// <summary>
/// One piece of work for the completer: a meta to store, a delivery to settle, or both — the
/// meta is always stored before the settlement of the same batch (acks late: result, then ack).
/// </summary>
internal sealed record CompletionItem(ResultMeta? Meta, TransportDelivery? Delivery, SettleAction Action, WorkerSignal? Signal, TaskCompletionSource? Flushed = null);
