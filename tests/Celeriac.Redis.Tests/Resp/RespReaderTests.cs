using System.Buffers;
using System.Diagnostics;
using System.Text;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Tests.Resp;

/// <summary>The connection's resumable reader: a long reply arriving in many pieces costs its size once.</summary>
public sealed class RespReaderTests
{
    [Fact]
    public void A_large_array_reply_in_small_chunks_is_consumed_as_it_arrives_and_parsed_once()
    {
        // 4 x 8 MiB in 4 KiB reads: 8,192 reads. Re-parsing from the reply's start on each read
        // copies every finished element again — about 100 GB here; parsed once it is 32 MiB.
        const int size = 8 * 1024 * 1024, chunk = 4096;
        var payloads = Enumerable.Range(0, 4).Select(i => Enumerable.Repeat((byte)('a' + i), size).ToArray()).ToList();
        var data = Reply(payloads);
        var reader = new RespReader();
        var values = new List<RespValue>();
        var pending = ReadOnlySequence<byte>.Empty;
        var held = new List<byte[]>();
        var watch = Stopwatch.StartNew();
        for (var at = 0; at < data.Length; at += chunk)
        {
            held.Add(data[at..Math.Min(at + chunk, data.Length)]);
            var buffer = ChunkedSequence.From(held).Slice(ChunkedSequence.From(held).Length - pending.Length - held[^1].Length);
            while (reader.TryRead(ref buffer, out var value)) values.Add(value);
            // What is not consumed is at most a header cut short: the reader keeps the rest itself,
            // so nothing of the reply is waiting in the socket buffer to be parsed again.
            buffer.Length.Should().BeLessThan(64, $"after {at + chunk} bytes the reader should have taken all but a cut header");
            pending = buffer;
            held = pending.IsEmpty ? [] : [pending.ToArray()];
            if (!pending.IsEmpty) pending = ChunkedSequence.From(held);
            else pending = ReadOnlySequence<byte>.Empty;
        }
        watch.Stop();

        values.Should().ContainSingle();
        var items = values[0].AsArray();
        items.Should().HaveCount(4);
        for (var i = 0; i < 4; i++) items[i].Bytes.Span.SequenceEqual(payloads[i]).Should().BeTrue();
        reader.IsMidReply.Should().BeFalse();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "32 MiB parsed once takes milliseconds");
    }

    [Fact]
    public void Replies_split_anywhere_parse_the_same_with_one_reader()
    {
        var text = "+OK\r\n*3\r\n$5\r\nhello\r\n*2\r\n:1\r\n-ERR x\r\n$-1\r\n$0\r\n\r\n:7\r\n";
        var data = Encoding.ASCII.GetBytes(text);
        for (var seed = 1; seed <= 20; seed++)
        {
            var reader = new RespReader();
            var values = new List<string>();
            var rest = Array.Empty<byte>();
            foreach (var piece in ChunkedSequence.Split(data, ChunkedSequence.RandomSizes(seed, max: 5)))
            {
                var buffer = new ReadOnlySequence<byte>([.. rest, .. piece]);
                while (reader.TryRead(ref buffer, out var value)) values.Add(RespParserTests.Describe(value));
                rest = buffer.ToArray();
            }
            values.Should().Equal("+OK", "*[$hello, *[:1, -ERR x], $nil]", "$", ":7");
        }
    }

    [Fact]
    public void Garbage_after_a_bulk_consumed_in_pieces_is_reported_at_its_offset_in_the_reply()
    {
        var reader = new RespReader();
        var first = new ReadOnlySequence<byte>("*1\r\n$6\r\nabc"u8.ToArray());
        reader.TryRead(ref first, out _).Should().BeFalse();
        var second = new ReadOnlySequence<byte>("defXY"u8.ToArray());
        var act = () => reader.TryRead(ref second, out _);
        act.Should().Throw<RedisProtocolException>().WithMessage("*at byte 14 of the reply*not followed by CRLF*");
    }

    private static byte[] Reply(IReadOnlyList<byte[]> items)
    {
        var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes($"*{items.Count}\r\n"));
        foreach (var item in items)
        {
            output.Write(Encoding.ASCII.GetBytes($"${item.Length}\r\n"));
            output.Write(item);
            output.Write("\r\n"u8);
        }
        return output.ToArray();
    }
}
