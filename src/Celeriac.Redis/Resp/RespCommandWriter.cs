using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Celeriac.Redis.Resp;

/// <summary>
/// Writes commands in RESP's request form, an array of bulk strings:
/// <c>*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n</c>. Numbers are written as their invariant text
/// (doubles in shortest round-trip form, infinities as Redis's <c>+inf</c>/<c>-inf</c>).
/// </summary>
internal static class RespCommandWriter
{
    // "$" + 10 digits of length + CRLF, and the trailing CRLF.
    private const int BulkOverhead = 1 + 10 + 2 + 2;

    // Per-message hot path: compiled optimized at once. Tiered compilation would run it unoptimized,
    // then instrumented, through a worker's first seconds — most of a short drain.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(IBufferWriter<byte> output, in RedisCommand command)
    {
        WriteHeader(output, (byte)'*', command.Arguments.Length + 1);
        WriteText(output, command.Name);
        Span<byte> number = stackalloc byte[32];
        foreach (var argument in command.Arguments)
        {
            switch (argument.ArgumentKind)
            {
                case RedisArgument.Kind.Text:
                    WriteText(output, argument.Text);
                    break;
                case RedisArgument.Kind.Bytes:
                    WriteBulk(output, argument.Memory.Span);
                    break;
                default:
                    WriteBulk(output, number[..FormatNumber(argument, number)]);
                    break;
            }
        }
    }

    /// <summary>The text Redis receives for a numeric argument.</summary>
    public static byte[] FormatNumber(in RedisArgument argument)
    {
        Span<byte> number = stackalloc byte[32];
        return number[..FormatNumber(argument, number)].ToArray();
    }

    private static int FormatNumber(in RedisArgument argument, Span<byte> into)
    {
        int written;
        if (argument.ArgumentKind == RedisArgument.Kind.Integer)
        {
            argument.Integer.TryFormat(into, out written, default, CultureInfo.InvariantCulture);
            return written;
        }
        var value = argument.Float;
        if (double.IsPositiveInfinity(value)) return Copy("+inf"u8, into);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, into);
        // "R" is the shortest text that parses back to the same double.
        value.TryFormat(into, out written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> into)
    {
        text.CopyTo(into);
        return text.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteText(IBufferWriter<byte> output, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(length + BulkOverhead);
        var at = WriteLength(span, (byte)'$', length);
        at += Encoding.UTF8.GetBytes(text, span[at..]);
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        output.Advance(at);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteBulk(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(bytes.Length + BulkOverhead);
        var at = WriteLength(span, (byte)'$', bytes.Length);
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
        span[at++] = (byte)'\r';
        span[at++] = (byte)'\n';
        output.Advance(at);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteHeader(IBufferWriter<byte> output, byte type, int count)
    {
        var span = output.GetSpan(BulkOverhead);
        output.Advance(WriteLength(span, type, count));
    }

    private static int WriteLength(Span<byte> span, byte type, int length)
    {
        span[0] = type;
        length.TryFormat(span[1..], out var digits, default, CultureInfo.InvariantCulture);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        return digits + 3;
    }
}
