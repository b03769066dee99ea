using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Json;

/// <summary>
/// Reads wire JSON token by token with the same rules as <see cref="CeleryJson"/>'s node helpers
/// (strict syntax; a JSON null counts as absent; integral floats are integers; numbers are truthy).
/// The hot decode paths use it instead of building a <see cref="JsonNode"/> tree per message.
/// Every method takes a reader positioned on the value's first token and leaves it on its last.
/// </summary>
internal static class WireReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        AllowTrailingCommas = CeleryJson.DocumentOptions.AllowTrailingCommas,
        CommentHandling = CeleryJson.DocumentOptions.CommentHandling,
        MaxDepth = CeleryJson.DocumentOptions.MaxDepth,
    };

    /// <summary>A reader over one complete JSON document.</summary>
    public static Utf8JsonReader Create(ReadOnlySpan<byte> utf8) => new(utf8, Options);

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    /// <summary>Moves to the next token; throws <see cref="JsonException"/> at a premature end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("unexpected end of JSON");
    }

    /// <summary>A string, or null for JSON null; another type throws <see cref="FormatException"/> naming <paramref name="name"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? String(ref Utf8JsonReader reader, string name) => IsString(ref reader, name) ? reader.GetString() : null;

    /// <summary>True for a string, false for JSON null; another type throws <see cref="FormatException"/> naming <paramref name="name"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsString(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.String => true,
        JsonTokenType.Null => false,
        _ => throw new FormatException($"'{name}' must be a string, not {Kind(reader.TokenType)}"),
    };

    /// <summary>An integer (integral floats included), or null for JSON null; anything else throws <see cref="FormatException"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long? Int64(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        return AsInt64(ref reader) ?? throw new FormatException($"'{name}' must be an integer, not {Text(ref reader)}");
    }

    /// <summary>The integer value of a number token, or null when the token is not an integral number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long? AsInt64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number) return null;
        if (reader.TryGetInt64(out var l)) return l;
        var d = reader.GetDouble();
        return Math.Floor(d) == d && Math.Abs(d) < 9.2e18 ? (long)d : null;
    }

    /// <summary>A number as a double, or null for JSON null; anything else throws <see cref="FormatException"/>.</summary>
    public static double? Double(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"'{name}' must be a number, not {Text(ref reader)}"),
    };

    /// <summary>A boolean with Python truthiness for numbers; JSON null gives <paramref name="fallback"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Bool(ref Utf8JsonReader reader, string name, bool fallback = false) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => fallback,
        // kombu/celery sometimes carry 0/1 for flags.
        JsonTokenType.Number => reader.GetDouble() != 0,
        _ => throw new FormatException($"'{name}' must be a boolean, not {Text(ref reader)}"),
    };

    /// <summary>The value as a mutable node (null for JSON null), keeping number text as read.</summary>
    public static JsonNode? Node(ref Utf8JsonReader reader) => JsonNode.Parse(ref reader, CeleryJson.NodeOptions);

    /// <summary>
    /// Reads the rest of the document, so a syntax error further on is reported before a shape
    /// error found earlier (a whole-document parse would have found it first).
    /// </summary>
    public static void ValidateRest(ref Utf8JsonReader reader)
    {
        while (reader.Read()) { }
    }

    // Only for error messages: the value as compact JSON.
    private static string Text(ref Utf8JsonReader reader) => Node(ref reader)?.ToJsonString() ?? "null";

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => nameof(JsonValueKind.Object),
        JsonTokenType.StartArray => nameof(JsonValueKind.Array),
        JsonTokenType.Number => nameof(JsonValueKind.Number),
        JsonTokenType.True => nameof(JsonValueKind.True),
        JsonTokenType.False => nameof(JsonValueKind.False),
        _ => token.ToString(),
    };
}
