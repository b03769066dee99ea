using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;

namespace Celeriac.Protocol.Tests.Support;

/// <summary>
/// One captured task message (<c>messages[i]</c> of a <c>task_*</c> file) with the views the tests
/// need. <see cref="Meta"/> is where the task metadata lives: the headers for protocol v2, the body
/// object for protocol v1 (which carries the same keys).
/// </summary>
public sealed class TaskVectorMessage
{
    private TaskVectorMessage(string file, int index, JsonObject entry)
    {
        File = file;
        Index = index;
        Entry = entry;
    }

    public string File { get; }
    public int Index { get; }
    public JsonObject Entry { get; }

    public static TaskVectorMessage Load(string file, int index) =>
        new(file, index, Vector.Load(file).Arr("messages")[index]?.AsObject() ?? throw new InvalidDataException($"{file} message {index} is null"));

    /// <summary>The exact string Python stored in Redis.</summary>
    public byte[] Raw => Entry.Utf8("raw");

    public JsonObject Envelope => Entry.Obj("envelope");
    public JsonObject Headers => Envelope.Obj("headers");
    public JsonObject Properties => Envelope.Obj("properties");
    public JsonNode? BodyDecoded => Entry["body_decoded"];

    /// <summary>Protocol v1: empty headers, everything in a body object.</summary>
    public bool IsV1 => !Headers.ContainsKey("task");

    public JsonObject Meta => IsV1 ? BodyDecoded!.AsObject() : Headers;

    public JsonArray Args => IsV1 ? Meta.Arr("args") : BodyDecoded!.AsArray()[0]!.AsArray();

    public JsonObject Kwargs => IsV1 ? Meta.Obj("kwargs") : BodyDecoded!.AsArray()[1]!.AsObject();

    /// <summary>The embed Python's worker builds: v2 body[2]; v1 callbacks/errbacks/chord and no chain.</summary>
    public JsonObject Embed => IsV1
        ? new JsonObject
        {
            ["callbacks"] = Meta["callbacks"]?.DeepClone(),
            ["errbacks"] = Meta["errbacks"]?.DeepClone(),
            ["chain"] = null,
            ["chord"] = Meta["chord"]?.DeepClone(),
        }
        : BodyDecoded!.AsArray()[2]!.AsObject();

    internal DeliveryInfo Route
    {
        get
        {
            var info = Properties.Obj("delivery_info");
            return new DeliveryInfo(info.Str("exchange"), info.Str("routing_key"));
        }
    }

    public string Key => $"{File}#{Index}";

    public override string ToString() => Key;
}
