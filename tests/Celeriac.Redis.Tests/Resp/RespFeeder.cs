using System.Buffers;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Tests.Resp;

/// <summary>
/// Plays the read loop: bytes arrive chunk by chunk, the parser is asked after every chunk, and
/// whatever it does not consume must still be there (unchanged) when the next chunk comes.
/// </summary>
internal static class RespFeeder
{
    public static List<RespValue> Feed(IReadOnlyList<byte[]> chunks)
    {
        var values = new List<RespValue>();
        var received = new List<byte[]>();
        long consumed = 0;
        foreach (var chunk in chunks)
        {
            received.Add(chunk);
            var buffer = ChunkedSequence.From(received).Slice(consumed);
            while (true)
            {
                var before = buffer;
                if (!RespParser.TryRead(ref buffer, out var value))
                {
                    // "Need more data" must consume nothing.
                    buffer.Length.Should().Be(before.Length);
                    buffer.Start.Should().Be(before.Start);
                    break;
                }
                values.Add(value);
            }
            consumed = ChunkedSequence.From(received).Length - buffer.Length;
        }
        return values;
    }

    public static List<RespValue> ParseAll(byte[] data)
    {
        var buffer = new ReadOnlySequence<byte>(data);
        var values = new List<RespValue>();
        while (RespParser.TryRead(ref buffer, out var value)) values.Add(value);
        buffer.Length.Should().Be(0, "every byte of the input belongs to a whole reply");
        return values;
    }
}
