using System.Text.Json;
using Celeriac.Beat.Store;
using Celeriac.Protocol.Json;

namespace Celeriac.Redis.Beat;

/// <summary>
/// How a beat entry's state is kept on Redis: its slot as Unix microseconds in the <c>slots</c> hash
/// (an integer the scripts compare exactly: below 2^53, so a Lua number holds it without loss; the
/// task id's own precision, docs/protocol.md §8), and the rest as JSON in the <c>state</c> hash:
/// <c>{"last_slot": "2026-12-07T12:00:00+00:00", "total_run_count": 3, "last_task_id": "…"}</c> — the
/// fields and Python isoformat of the local state file's entries, so both read alike.
/// </summary>
internal static class BeatStateJson
{
    /// <summary>A slot as Unix microseconds (sub-microsecond ticks dropped).</summary>
    public static long ToMicroseconds(DateTimeOffset slot) => (slot.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) / 10;

    /// <summary>Unix microseconds back to a UTC instant.</summary>
    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    /// <summary>The state's JSON.</summary>
    public static byte[] Encode(BeatEntryState state)
    {
        using var buffer = new MemoryStream(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("last_slot", PythonDateTime.Format(state.LastSlot.ToUniversalTime()));
            writer.WriteNumber("total_run_count", state.TotalRunCount);
            if (state.LastTaskId is { } id) writer.WriteString("last_task_id", id);
            else writer.WriteNull("last_task_id");
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The state of an entry from its recorded slot (authoritative: the scripts compare it) and its
    /// state JSON, which may be missing or unreadable — then only the slot is known.
    /// </summary>
    public static BeatEntryState Decode(long slotMicroseconds, string? json)
    {
        var slot = FromMicroseconds(slotMicroseconds);
        if (json is null) return new BeatEntryState(slot, 0);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var count = root.TryGetProperty("total_run_count", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var n) ? n : 0;
            var id = root.TryGetProperty("last_task_id", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return new BeatEntryState(slot, count, id);
        }
        catch (JsonException)
        {
            return new BeatEntryState(slot, 0);
        }
    }
}
