using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Tests.Support;

/// <summary>Loads vector files by name (file name without <c>.json</c>) and small accessors into them.</summary>
public static class Vector
{
    private static readonly ConcurrentDictionary<string, JsonObject> Cache = new();

    /// <summary>The parsed file; a fresh copy so tests cannot disturb each other.</summary>
    public static JsonObject Load(string name) =>
        (JsonObject)Cache.GetOrAdd(name, n =>
        {
            var path = System.IO.Path.Combine(VectorDirectory.Path, n + ".json");
            return JsonNode.Parse(File.ReadAllText(path, Encoding.UTF8))?.AsObject()
                   ?? throw new InvalidDataException($"{path} is not a JSON object");
        }).DeepClone();

    /// <summary>The member at <paramref name="name"/> as an object (fails the test when absent).</summary>
    public static JsonObject Obj(this JsonNode? node, string name) =>
        node?[name] as JsonObject ?? throw new InvalidDataException($"vector has no object '{name}'");

    /// <summary>The member at <paramref name="name"/> as an array (fails the test when absent).</summary>
    public static JsonArray Arr(this JsonNode? node, string name) =>
        node?[name] as JsonArray ?? throw new InvalidDataException($"vector has no array '{name}'");

    /// <summary>The member at <paramref name="name"/> as a string (fails the test when absent).</summary>
    public static string Str(this JsonNode? node, string name) =>
        node?[name]?.GetValue<string>() ?? throw new InvalidDataException($"vector has no string '{name}'");

    /// <summary>UTF-8 bytes of a string member, e.g. a captured <c>raw</c> Redis value.</summary>
    public static byte[] Utf8(this JsonNode? node, string name) => Encoding.UTF8.GetBytes(node.Str(name));
}
