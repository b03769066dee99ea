using System.Buffers.Binary;

namespace Celeriac.RabbitMQ.Wire;

/// <summary>
/// Walks an AMQP field table without decoding it, to find a value type RabbitMQ.Client cannot read.
/// py-amqp writes integers beyond ±2³¹ with type <c>L</c> (8 bytes, signed), which RabbitMQ.Client
/// 7.2's reader does not know: it fails the whole connection (a 502 syntax error) instead of the one
/// message. Knowing every type of AMQP 0-9-1 and RabbitMQ's errata by size lets us skip over them.
/// </summary>
internal static class FieldTableScanner
{
    // The value types RabbitMQ.Client 7.2.2 reads (WireFormatting.ReadFieldValue).
    private const string DotNetReads = "StIVFAlibBdfsuDTx";

    /// <summary>
    /// The first value type in <paramref name="table"/> (a table's bytes after its length prefix) that
    /// RabbitMQ.Client cannot read, with the header it is under; null when .NET reads them all.
    /// </summary>
    /// <exception cref="FormatException">The table is not well formed.</exception>
    public static string? FindUnreadable(ReadOnlySpan<byte> table)
    {
        var position = 0;
        return ScanTable(table, ref position, table.Length, "");
    }

    private static string? ScanTable(ReadOnlySpan<byte> data, ref int position, int end, string path)
    {
        while (position < end)
        {
            var nameLength = data[position++];
            var name = System.Text.Encoding.UTF8.GetString(data.Slice(position, nameLength));
            position += nameLength;
            if (ScanValue(data, ref position, path.Length == 0 ? name : $"{path}.{name}") is { } found) return found;
        }
        return null;
    }

    private static string? ScanValue(ReadOnlySpan<byte> data, ref int position, string path)
    {
        var type = (char)data[position++];
        string? found = DotNetReads.Contains(type, StringComparison.Ordinal) ? null : $"header '{path}' has field type '{type}', which RabbitMQ.Client cannot read";
        switch (type)
        {
            case 't' or 'b' or 'B': position += 1; break;
            case 's' or 'u' or 'U': position += 2; break;
            case 'I' or 'i' or 'f': position += 4; break;
            case 'l' or 'L' or 'd' or 'T': position += 8; break;
            case 'D': position += 5; break;
            case 'V': break;
            case 'S' or 'x': position += 4 + Length(data, position); break;
            case 'F':
            {
                var length = Length(data, position);
                position += 4;
                var inner = ScanTable(data, ref position, position + length, path);
                found ??= inner;
                break;
            }
            case 'A':
            {
                var end = position + 4 + Length(data, position);
                position += 4;
                while (position < end) found ??= ScanValue(data, ref position, path + "[]");
                break;
            }
            default:
                throw new FormatException($"header '{path}' has field type '{type}', which no AMQP peer writes; the table cannot be read further");
        }
        return found;
    }

    private static int Length(ReadOnlySpan<byte> data, int position) => checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[position..]));
}
