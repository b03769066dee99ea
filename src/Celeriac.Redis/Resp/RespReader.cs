using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Celeriac.Redis.Resp;

/// <summary>
/// A connection's RESP2 parser, resumable: what it has parsed of a reply that is still arriving —
/// finished elements of its arrays, and the bytes so far of a long bulk string — it keeps, and
/// consumes from the buffer, so each byte is parsed and copied once however many reads a reply
/// takes. (Parsing every reply from its start on each read made a 160 MB array reply cost the square
/// of its size: minutes.) RESP2 is all this client speaks: it never sends <c>HELLO 3</c>, so a RESP3
/// type byte is reported as garbage like any other.
/// </summary>
/// <remarks>
/// Arrays are parsed with an explicit stack, so nesting depth is bounded by memory, not by the
/// thread's stack. Lines, numbers and headers are consumed only whole. After a
/// <see cref="RedisProtocolException"/> the reader must not be used again (the connection dies).
/// </remarks>
internal sealed class RespReader
{
    // "-9223372036854775808" is 20 characters.
    private const int MaxNumberLength = 20;

    // Arrays of the reply being read, outermost first; their finished elements are kept here.
    private ArrayFrame[] _stack = new ArrayFrame[4];
    private int _depth;
    // A bulk string whose bytes are still arriving: the array they go into, and how many are in.
    private byte[]? _bulk;
    private int _bulkFilled;
    // Bytes of the current reply consumed by earlier calls, so error offsets count from its start.
    private long _replyOffset;

    /// <summary>True while part of a reply has been consumed and the rest has not arrived.</summary>
    public bool IsMidReply => _depth > 0 || _bulk is not null;

    /// <summary>
    /// Reads one reply from the start of <paramref name="buffer"/>, continuing the one a previous
    /// call began. Slices off what it consumed: the whole reply when it returns true; when it
    /// returns false, the part it keeps (possibly nothing), and the caller passes the rest again
    /// with more bytes.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not RESP2.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out RespValue value)
    {
        var reader = new SequenceReader<byte>(buffer);
        var done = TryReadValue(ref reader, out value);
        buffer = buffer.Slice(reader.Position);
        _replyOffset = done ? 0 : _replyOffset + reader.Consumed;
        return done;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadValue(ref SequenceReader<byte> reader, out RespValue value)
    {
        value = default;
        while (true)
        {
            RespValue element;
            if (_bulk is not null)
            {
                if (!TryFinishBulk(ref reader, out element)) return false;
            }
            else
            {
                var mark = reader.Consumed;
                if (!TryReadElement(ref reader, out element, out var arrayLength))
                {
                    // A header or line cut short is read again whole; a long bulk keeps what it copied.
                    if (_bulk is null) reader.Rewind(reader.Consumed - mark);
                    return false;
                }
                if (arrayLength > 0)
                {
                    if (_depth == _stack.Length) System.Array.Resize(ref _stack, _depth * 2);
                    _stack[_depth++] = new ArrayFrame(new RespValue[arrayLength]);
                    continue;
                }
            }

            // Place the finished element into its parent; a filled parent is itself finished.
            while (_depth > 0)
            {
                ref var top = ref _stack[_depth - 1];
                top.Items[top.Count++] = element;
                if (top.Count < top.Items.Length) break;
                element = RespValue.Array(top.Items);
                _stack[--_depth] = default;
            }
            if (_depth == 0)
            {
                value = element;
                return true;
            }
        }
    }

    // Reads a scalar, or the header of an array: arrayLength > 0 means "children follow".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadElement(ref SequenceReader<byte> reader, out RespValue value, out int arrayLength)
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
    private bool TryReadBulk(ref SequenceReader<byte> reader, long start, out RespValue value)
    {
        value = default;
        if (!TryReadNumber(ref reader, start, "bulk length", out var length)) return false;
        if (length == -1)
        {
            value = RespValue.BulkString(null);
            return true;
        }
        if (length < -1 || length > RespParser.MaxBulkLength) throw Garbage(start, $"invalid bulk string length {length}");
        // Not all here yet: start copying what is, and take the rest as it arrives (TryFinishBulk).
        _bulk = length == 0 ? [] : new byte[length];
        _bulkFilled = 0;
        return TryFinishBulk(ref reader, out value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFinishBulk(ref SequenceReader<byte> reader, out RespValue value)
    {
        value = default;
        var bulk = _bulk!;
        var take = (int)Math.Min(bulk.Length - _bulkFilled, reader.Remaining);
        if (take > 0)
        {
            reader.TryCopyTo(bulk.AsSpan(_bulkFilled, take));
            reader.Advance(take);
            _bulkFilled += take;
        }
        if (_bulkFilled < bulk.Length || reader.Remaining < 2) return false;
        reader.TryRead(out var cr);
        reader.TryRead(out var lf);
        if (cr != '\r' || lf != '\n') throw Garbage(reader.Consumed - 2, $"bulk string of {bulk.Length} bytes is not followed by CRLF");
        _bulk = null;
        value = RespValue.BulkString(bulk);
        return true;
    }

    // A line ends at CRLF; a bare CR or LF is garbage (RESP lines never contain either).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadLine(ref SequenceReader<byte> reader, long start, out ReadOnlySequence<byte> line)
    {
        line = default;
        var lineStart = reader.Position;
        if (!reader.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            if (reader.Sequence.Length - start > RespParser.MaxLineLength) throw Garbage(start, $"line longer than {RespParser.MaxLineLength} bytes without CRLF");
            return false;
        }
        if (reader.Consumed - start > RespParser.MaxLineLength) throw Garbage(start, $"line longer than {RespParser.MaxLineLength} bytes");
        line = reader.Sequence.Slice(lineStart, reader.Position);
        reader.TryRead(out var delimiter);
        if (delimiter == '\n') throw Garbage(reader.Consumed - 1, "line ends with LF without CR (missing CRLF)");
        if (!reader.TryRead(out var lf)) return false;
        if (lf != '\n') throw Garbage(reader.Consumed - 1, $"CR followed by {Describe(lf)} instead of LF (missing CRLF)");
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadNumber(ref SequenceReader<byte> reader, long start, string what, out long number)
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

    private RedisProtocolException Garbage(long offset, string problem) =>
        new($"Invalid RESP from the server at byte {(_replyOffset + offset).ToString(CultureInfo.InvariantCulture)} of the reply: {problem}.");

    private struct ArrayFrame(RespValue[] items)
    {
        public readonly RespValue[] Items = items;
        public int Count;
    }
}
