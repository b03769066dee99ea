using System.Text.Json.Nodes;
using Celeriac.Beat.Json;
using Celeriac.Protocol.Json;

namespace Celeriac.Beat;

/// <summary>
/// A run-time edit as stored (<c>IBeatStore.WriteEditAsync</c>): the entry's JSON (docs/interop.md,
/// "Beat", with <c>paused</c>) plus <c>edited_at</c>, the moment of the edit. Every beat re-anchors the
/// entry at that moment — not at the moment it happens to see the edit — so a beat that takes over
/// later plans the same runs as the one that saw the edit first, and the edit fires nothing itself.
/// </summary>
internal static class BeatEdit
{
    private const string EditedAt = "edited_at";

    /// <summary>The stored form of <paramref name="entry"/> edited at <paramref name="at"/>.</summary>
    public static string Write(BeatEntry entry, DateTimeOffset at)
    {
        var json = BeatEntryJson.Write(entry);
        json[EditedAt] = PythonDateTime.Format(at.ToUniversalTime());
        return json.ToJsonString();
    }

    /// <summary>Reads a stored edit; throws <see cref="FormatException"/> naming the entry when it does not read.</summary>
    public static (BeatEntry Entry, DateTimeOffset? At) Read(string name, string json)
    {
        JsonObject definition;
        try
        {
            definition = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException($"Beat entry '{name}': the stored edit is not JSON: {ex.Message}", ex);
        }
        DateTimeOffset? at = null;
        if (definition[EditedAt] is JsonValue value && value.TryGetValue<string>(out var text) && PythonDateTime.TryParse(text, out var parsed)) at = parsed;
        definition.Remove(EditedAt);
        return (BeatEntryJson.Read(name, definition), at);
    }
}
