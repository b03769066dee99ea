using System.Text.Json.Nodes;
using Celeriac.Beat.Store;
using Celeriac.Protocol.Messages;

namespace Celeriac.Redis.Tests.Beat.Support;

/// <summary>Beat runs to publish: a real protocol v2 task message per (entry, slot), its task id derived from both.</summary>
internal static class BeatRuns
{
    /// <summary>A whole-second instant to count slots from.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A run of <paramref name="entry"/> at <paramref name="slot"/> to the anonymous exchange's <paramref name="queue"/>.</summary>
    public static BeatRun Run(string entry, DateTimeOffset slot, string queue = "celery", int? priority = null, long count = 1) =>
        Run(entry, slot, DeliveryInfo.ToQueue(queue), priority, count);

    /// <summary>A run of <paramref name="entry"/> at <paramref name="slot"/> with <paramref name="route"/>.</summary>
    public static BeatRun Run(string entry, DateTimeOffset slot, DeliveryInfo route, int? priority = null, long count = 1)
    {
        var id = TaskId(entry, slot);
        var task = new TaskMessage
        {
            Task = "tasks.beat_" + entry,
            Id = id,
            Args = new JsonArray(entry, slot.ToUnixTimeSeconds()),
            Kwargs = new JsonObject(),
            Origin = "gen1@beat-tests",
            Retries = 0,
        };
        task.Properties.DeliveryMode = 2;
        task.Properties.Priority = priority;
        return new BeatRun(entry, slot, TaskMessageCodec.Encode(task), route, new BeatEntryState(slot, count, id));
    }

    /// <summary>The id a run carries here (tests need only that it is stable per entry and slot).</summary>
    public static string TaskId(string entry, DateTimeOffset slot) =>
        new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(entry + "@" + slot.UtcTicks))).ToString();

    /// <summary>The task id of a message read back from a list.</summary>
    public static string IdOf(BrokerMessage message) => message.Headers["id"]!.GetValue<string>();
}
