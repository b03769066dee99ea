using Celeriac.Protocol.Messages;

namespace Celeriac.Beat.Store;

/// <summary>One run to publish: the entry, its scheduled instant, the task message and its route, and the state to record with it.</summary>
internal sealed record BeatRun(string Entry, DateTimeOffset Slot, BrokerMessage Message, DeliveryInfo Route, BeatEntryState NewState)
{
    /// <summary>The run's task id.</summary>
    public string TaskId => NewState.LastTaskId ?? "";
}
