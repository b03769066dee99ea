using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Tests.Control;

internal static class JsonText
{
    /// <summary>Compact JSON as the wire carries it (quotes unescaped), for comparing with literal texts.</summary>
    public static string Text(this JsonNode? node) => CeleryJson.ToJsonString(node);
}
