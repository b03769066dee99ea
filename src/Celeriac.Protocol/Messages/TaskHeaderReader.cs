using System.Runtime.CompilerServices;
using System.Text.Json;
using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// Reads task headers (docs/protocol.md §1.3) from their JSON text into a <see cref="TaskMessage"/> in one pass:
/// modelled headers into their fields, every other header into <see cref="TaskMessage.ExtraHeaders"/>
/// as read. Type errors throw <see cref="FormatException"/> naming the header; bad times and time
/// limits throw <see cref="InvalidMessageException"/>. Whether <c>task</c> and <c>id</c> are
/// present and non-empty is left to the caller, which knows whether the body is protocol v1.
/// </summary>
internal static class TaskHeaderReader
{
    /// <summary>What the headers say besides the model's fields.</summary>
    /// <param name="Message">The fields read; <see cref="TaskMessage.Task"/> and <see cref="TaskMessage.Id"/> may be null.</param>
    /// <param name="HasTask">A <c>task</c> header is present (even as null): the body is protocol v2 unless it says otherwise.</param>
    /// <param name="Compression">The <c>compression</c> header, as text.</param>
    public readonly record struct Result(TaskMessage Message, bool HasTask, string? Compression);

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Result Read(ReadOnlySpan<byte> headersJson, MessageProperties properties)
    {
        var m = new TaskMessage { Task = null!, Id = null!, Lang = null!, Properties = properties.Clone() };
        var hasTask = false;
        string? compression = null;
        var reader = WireReader.Create(headersJson);
        WireReader.Next(ref reader);
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            // In Python 5.2's header order, so the usual message takes the first branches.
            if (Is(ref reader, "lang"u8)) m.Lang = WireReader.String(ref reader, "lang")!;
            else if (Is(ref reader, "task"u8))
            {
                hasTask = true;
                m.Task = WireReader.String(ref reader, "task")!;
            }
            else if (Is(ref reader, "id"u8)) m.Id = WireReader.String(ref reader, "id")!;
            else if (Is(ref reader, "shadow"u8)) m.Shadow = WireReader.String(ref reader, "shadow");
            else if (Is(ref reader, "eta"u8)) m.Eta = Time(ref reader, "eta");
            else if (Is(ref reader, "expires"u8)) m.Expires = Time(ref reader, "expires");
            else if (Is(ref reader, "group"u8)) m.Group = WireReader.String(ref reader, "group");
            else if (Is(ref reader, "group_index"u8)) m.GroupIndex = (int?)WireReader.Int64(ref reader, "group_index");
            else if (Is(ref reader, "retries"u8)) m.Retries = (int)(WireReader.Int64(ref reader, "retries") ?? 0);
            else if (Is(ref reader, "timelimit"u8)) m.TimeLimits = TimeLimits(ref reader);
            else if (Is(ref reader, "root_id"u8)) m.RootId = WireReader.String(ref reader, "root_id");
            else if (Is(ref reader, "parent_id"u8)) m.ParentId = WireReader.String(ref reader, "parent_id");
            else if (Is(ref reader, "argsrepr"u8)) m.ArgsRepr = WireReader.String(ref reader, "argsrepr");
            else if (Is(ref reader, "kwargsrepr"u8)) m.KwargsRepr = WireReader.String(ref reader, "kwargsrepr");
            else if (Is(ref reader, "origin"u8)) m.Origin = WireReader.String(ref reader, "origin");
            else if (Is(ref reader, "ignore_result"u8)) m.IgnoreResult = WireReader.Bool(ref reader, "ignore_result");
            else if (Is(ref reader, "replaced_task_nesting"u8)) m.ReplacedTaskNesting = (int)(WireReader.Int64(ref reader, "replaced_task_nesting") ?? 0);
            else if (Is(ref reader, "compression"u8))
                compression = reader.TokenType == JsonTokenType.String ? reader.GetString() : WireReader.Node(ref reader)?.ToJsonString();
            else
            {
                var name = reader.GetString()!;
                WireReader.Next(ref reader);
                m.ExtraHeaders[name] = WireReader.Node(ref reader);
            }
        }
        m.Lang ??= "py";
        return new Result(m, hasTask, compression);
    }

    // On a match, moves to the value.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueTextEquals(name)) return false;
        WireReader.Next(ref reader);
        return true;
    }

    private static DateTimeOffset? Time(ref Utf8JsonReader reader, string name)
    {
        var text = WireReader.String(ref reader, name);
        if (text is null) return null;
        if (PythonDateTime.TryParse(text, out var value)) return value;
        throw new InvalidMessageException($"header '{name}' is not an ISO-8601 time: '{text}'");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TimeLimits TimeLimits(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return Messages.TimeLimits.None;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            throw new InvalidMessageException("header 'timelimit' must be [hard, soft]");
        }
        // The pair's shape is checked before its values, as a whole-array check would.
        double? hard = null, soft = null;
        var count = 0;
        var numbers = true;
        while (true)
        {
            WireReader.Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            var value = reader.TokenType switch
            {
                JsonTokenType.Number => reader.GetDouble(),
                JsonTokenType.Null => (double?)null,
                _ => double.NaN,
            };
            if (double.IsNaN(value ?? 0)) numbers = false;
            reader.Skip();
            if (count == 0) hard = value;
            else if (count == 1) soft = value;
            count++;
        }
        if (count != 2) throw new InvalidMessageException("header 'timelimit' must be [hard, soft]");
        if (!numbers) throw new InvalidMessageException("header 'timelimit' must hold numbers or nulls");
        return new TimeLimits(hard, soft);
    }
}
