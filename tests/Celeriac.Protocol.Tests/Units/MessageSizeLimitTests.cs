using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>A message over the size limit is refused, compressed or inflated; a zlib bomb is never fully inflated.</summary>
public class MessageSizeLimitTests
{
    private static readonly string[] Accept = [ContentTypes.Json];
    private const long Limit = 1024 * 1024;

    private static JsonObject Headers(bool compressed = false)
    {
        var h = new JsonObject { ["task"] = "tasks.echo", ["id"] = "x" };
        if (compressed) h["compression"] = "application/x-gzip";
        return h;
    }

    /// <summary><c>[["yyy…"], {}, {}]</c> with <paramref name="length"/> y's, zlib-compressed chunk by chunk.</summary>
    private static byte[] CompressedBody(int length)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal))
        {
            z.Write("[[\""u8);
            var chunk = Encoding.ASCII.GetBytes(new string('y', 64 * 1024));
            for (var left = length; left > 0; left -= chunk.Length) z.Write(chunk, 0, Math.Min(left, chunk.Length));
            z.Write("\"], {}, {}]"u8);
        }
        return buffer.ToArray();
    }

    [Fact]
    public void A_body_over_the_limit_is_refused_with_its_size_and_the_limit()
    {
        var body = Encoding.ASCII.GetBytes("[[\"" + new string('y', (int)Limit) + "\"], {}, {}]");

        FluentActions.Invoking(() => TaskMessageCodec.Decode(new BrokerMessage(Headers(), new MessageProperties(), body), Accept, Limit))
            .Should().Throw<InvalidMessageException>().WithMessage($"message is * bytes (headers and body), over the {Limit}-byte limit*");
    }

    [Fact]
    public void A_zlib_bomb_stops_inflating_at_the_limit()
    {
        var bomb = CompressedBody(256 * 1024 * 1024);
        bomb.Length.Should().BeLessThan((int)(Limit / 2), "the compressed body itself is well under the limit");
        var message = new BrokerMessage(Headers(compressed: true), new MessageProperties(), bomb);

        var before = GC.GetAllocatedBytesForCurrentThread();
        FluentActions.Invoking(() => TaskMessageCodec.Decode(message, Accept, Limit))
            .Should().Throw<InvalidMessageException>().WithMessage($"compressed body (* bytes) inflates past the {Limit}-byte limit*");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan(8 * Limit, "inflating stopped near the limit instead of going on to 256 MB");
    }

    [Fact]
    public void A_compressed_body_that_inflates_to_the_limit_or_less_decodes()
    {
        var overhead = "[[\"\"], {}, {}]".Length;
        var body = CompressedBody((int)Limit - overhead);
        var message = new BrokerMessage(Headers(compressed: true), new MessageProperties(), body);

        var task = TaskMessageCodec.Decode(message, Accept, Limit);

        task.Args[0]!.GetValue<string>().Length.Should().Be((int)Limit - overhead);
        TaskMessageCodec.Decode(message, Accept, 0).Args[0]!.GetValue<string>().Length.Should().Be((int)Limit - overhead, "0 means no limit");
        FluentActions.Invoking(() => TaskMessageCodec.Decode(message, Accept, Limit - 1)).Should().Throw<InvalidMessageException>();
    }
}
