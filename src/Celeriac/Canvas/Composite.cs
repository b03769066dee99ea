using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>Wire helpers the composite signatures share.</summary>
internal static class Composite
{
    /// <summary>
    /// A composite's <c>kwargs</c>: its structure first, as Python writes it, then any other keys
    /// it was read with, so they survive a round trip.
    /// </summary>
    public static JsonObject Kwargs(JsonObject extra, params (string Key, JsonNode? Value)[] structure)
    {
        var kwargs = new JsonObject();
        foreach (var (key, value) in structure) kwargs[key] = value;
        foreach (var (key, value) in extra)
            if (!kwargs.ContainsKey(key)) kwargs[key] = value?.DeepClone();
        return kwargs;
    }

    /// <summary>The signatures of a composite's <c>tasks</c> list.</summary>
    public static List<Signature> Tasks(JsonNode? tasks, string kind) => tasks switch
    {
        JsonArray list => list.Select(Signature.FromJson).ToList(),
        null => [],
        _ => throw new Protocol.Messages.InvalidMessageException($"a {kind} signature's kwargs.tasks is not a list"),
    };

    /// <summary>The kwargs a composite was read with, without its structure keys.</summary>
    public static JsonObject Without(JsonObject kwargs, params string[] keys)
    {
        var rest = (JsonObject)kwargs.DeepClone();
        foreach (var key in keys) rest.Remove(key);
        return rest;
    }
}
