using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Celeriac.Redis.Resp;

/// <summary>
/// Parses RESP2 replies from a byte sequence as it arrives from the socket. RESP2 is all this
/// client speaks: it never sends <c>HELLO 3</c>, so RESP3 types never arrive, and a RESP3 type byte
/// is reported as garbage like any other.
/// </summary>
/// <remarks>
/// <see cref="TryRead"/> either consumes one whole reply or nothing: on truncated input it returns
/// false and the caller waits for more bytes. Arrays are parsed with an explicit stack, so nesting
/// depth is bounded by memory, not by the thread's stack.
/// </remarks>
internal static class RespParser
{
    /// <summary>Redis's own limit (<c>proto-max-bulk-len</c> default); anything longer is garbage.</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Longest simple string or error line accepted; real ones are a few dozen bytes.</summary>
    public const int MaxLineLength = 64 * 1024;

    // "-9223372036854775808" is 20 characters.
    private const int MaxNumberLength = 20;

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    /// <summary>
    /// Reads one reply from the start of <paramref name="buffer"/>. On success slices the reply off
    /// the buffer; when the reply is incomplete returns false and leaves the buffer as it was.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not RESP2.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RespValue value)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadValue(ref reader, out value)) return false;
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadValue(ref SequenceReader<byte> reader, out RespValue value)
    {
        ArrayFrame[]? stack = null;
        var depth = 0;
        while (true)
        {
            value = default;
            if (!TryReadElement(ref reader, out var element, out var arrayLength)) return false;
            if (arrayLength > 0)
            {
                stack ??= new ArrayFrame[4];
                if (depth == stack.Length) System.Array.Resize(ref stack, depth * 2);
                stack[depth++] = new ArrayFrame(new RespValue[arrayLength]);
                continue;
            }

            // Place the finished element into its parent; a filled parent is itself finished.
            while (depth > 0)
            {
                ref var top = ref stack![depth - 1];
                top.Items[top.Count++] = element;
                if (top.Count < top.Items.Length) break;
                element = RespValue.Array(top.Items);
                stack[--depth] = default;
            }
            if (depth == 0)
            {
                value = element;
                return true;
            }
        }
    }

    // Reads a scalar, or the header of an array: arrayLength > 0 means "children follow".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadElement(ref SequenceReader<byte> reader, out RespValue value, out int arrayLength)
    {
        value = default;
        arrayLength = 0;
        var start = reader.Consumed;
        if (!reader.TryRead(out var type)) return false;
        switch (type)
        {
            case (byte)'+':
            case (byte)'-':
                if (!TryReadLine(ref reader, start, out var line)) return false;
                value = type == '+' ? RespValue.SimpleString(line.IsSingleSegment ? line.FirstSpan : line.ToArray()) : RespValue.Error(line.ToArray());
                return true;
            case (byte)':':
                if (!TryReadNumber(ref reader, start, "integer", out var integer)) return false;
                value = RespValue.Integer(integer);
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, start, out value);
            case (byte)'*':
                if (!TryReadNumber(ref reader, start, "array length", out var count)) return false;
                if (count < -1 || count > int.MaxValue) throw Garbage(start, $"invalid array length {count}");
                if (count == -1) value = RespValue.Array(null);
                else if (count == 0) value = RespValue.Array([]);
                // Every element takes at least 3 bytes ("+\r\n"): if they cannot all be here yet,
                // wait, and never allocate a huge array for a length we cannot back.
                else if (count > reader.Remaining / 3) return false;
                else arrayLength = (int)count;
                return true;
            default:
                throw Garbage(start, $"unexpected type byte {Describe(type)} (RESP2 replies start with + - : $ *)");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadBulk(ref SequenceReader<byte> reader, long start, out RespValue value)
    {
        value = default;
        if (!TryReadNumber(ref reader, start, "bulk length", out var length)) return false;
        if (length == -1)
        {
            value = RespValue.BulkString(null);
            return true;
        }
        if (length < -1 || length > MaxBulkLength) throw Garbage(start, $"invalid bulk string length {length}");
        if (reader.Remaining < length + 2) return false;
        var bytes = length == 0 ? [] : new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        reader.TryRead(out var cr);
        reader.TryRead(out var lf);
        if (cr != '\r' || lf != '\n') throw Garbage(reader.Consumed - 2, $"bulk string of {length} bytes is not followed by CRLF");
        value = RespValue.BulkString(bytes);
        return true;
    }

    // A line ends at CRLF; a bare CR or LF is garbage (RESP lines never contain either).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadLine(ref SequenceReader<byte> reader, long start, out ReadOnlySequence<byte> line)
    {
        line = default;
        var lineStart = reader.Position;
        if (!reader.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            if (reader.Sequence.Length - start > MaxLineLength) throw Garbage(start, $"line longer than {MaxLineLength} bytes without CRLF");
            return false;
        }
        if (reader.Consumed - start > MaxLineLength) throw Garbage(start, $"line longer than {MaxLineLength} bytes");
        line = reader.Sequence.Slice(lineStart, reader.Position);
        reader.TryRead(out var delimiter);
        if (delimiter == '\n') throw Garbage(reader.Consumed - 1, "line ends with LF without CR (missing CRLF)");
        if (!reader.TryRead(out var lf)) return false;
        if (lf != '\n') throw Garbage(reader.Consumed - 1, $"CR followed by {Describe(lf)} instead of LF (missing CRLF)");
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadNumber(ref SequenceReader<byte> reader, long start, string what, out long number)
    {
        number = 0;
        if (!TryReadLine(ref reader, start, out var line))
        {
            // No CRLF yet: still reject what can never become a number, rather than wait for more.
            var unread = reader.Sequence.Slice(start + 1);
            var probe = unread.Length > MaxNumberLength + 1 ? unread.Slice(0, MaxNumberLength + 1) : unread;
            Span<byte> seen = stackalloc byte[MaxNumberLength + 1];
            probe.CopyTo(seen);
            seen = seen[..(int)probe.Length];
            var end = seen.IndexOf((byte)'\r');
            if (end >= 0) seen = seen[..end];
            for (var i = 0; i < seen.Length; i++)
                if (!(char.IsAsciiDigit((char)seen[i]) || (i == 0 && seen[i] == '-')))
                    throw Garbage(start, $"invalid {what}: unexpected {Describe(seen[i])}");
            if (seen.Length > MaxNumberLength) throw Garbage(start, $"invalid {what}: too many digits");
            return false;
        }
        Span<byte> digits = stackalloc byte[MaxNumberLength];
        if (line.Length is 0 or > MaxNumberLength ||
            !long.TryParse(Copy(line, digits), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number) ||
            line.FirstSpan[0] == '+')
        {
            throw Garbage(start, $"invalid {what} '{System.Text.Encoding.ASCII.GetString(line.ToArray())}'");
        }
        return true;
    }

    private static ReadOnlySpan<byte> Copy(ReadOnlySequence<byte> line, Span<byte> into)
    {
        line.CopyTo(into);
        return into[..(int)line.Length];
    }

    private static string Describe(byte b) =>
        b is >= 0x20 and < 0x7f ? $"'{(char)b}' (0x{b:X2})" : $"0x{b:X2}";

    private static RedisProtocolException Garbage(long offset, string problem) =>
        new($"Invalid RESP from the server at byte {offset.ToString(CultureInfo.InvariantCulture)} of the reply: {problem}.");

    private struct ArrayFrame(RespValue[] items)
    {
        public readonly RespValue[] Items = items;
        public int Count;
    }
}
