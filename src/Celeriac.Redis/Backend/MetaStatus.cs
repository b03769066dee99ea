using System.Runtime.CompilerServices;
using System.Text.Json;
using Celeriac.Protocol.Results;

namespace Celeriac.Redis.Backend;

/// <summary>
/// Reads just the <c>status</c> of a result meta. The subscriber loop sees every message for every
/// waited task (STARTED, PROGRESS, RETRY, …); it only needs to know whether one is READY (docs/protocol.md §4.1),
/// and each woken waiter parses its own copy of the full meta.
/// </summary>
internal static class MetaStatus
{
    /// <summary>True when <paramref name="utf8"/> is a meta object whose status is SUCCESS, FAILURE or REVOKED.</summary>
    public static bool IsReady(ReadOnlySpan<byte> utf8) => Read(utf8) is { } status && TaskStates.IsReady(status);

    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    /// <summary>The top-level <c>status</c> string, or null when absent or not a meta object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isStatus = reader.ValueTextEquals("status"u8);
                if (!reader.Read()) return null;
                if (isStatus) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            return null;
        }
        catch (JsonException) when (Protocol.Json.NonFiniteJson.TryRewrite(utf8, out var rewritten))
        {
            // A Python result of NaN or infinity ahead of the status (json.dumps writes them bare).
            return Read(rewritten);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
