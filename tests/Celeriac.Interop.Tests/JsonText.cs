using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Interop.Tests;

internal static class JsonText
{
    /// <summary>Compact JSON with quotes unescaped, for comparing with literal texts.</summary>
    public static string Text(this JsonNode? node) => CeleryJson.ToJsonString(node);
}
