using System.Buffers;
using System.Text;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Tests.Resp;

public sealed class RespCommandWriterTests
{
    private static string Write(RedisCommand command)
    {
        var output = new ArrayBufferWriter<byte>();
        RespCommandWriter.Write(output, command);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Writes_an_array_of_bulk_strings()
    {
        Write(new RedisCommand("SET", "key", "value")).Should().Be("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
        Write(new RedisCommand("PING")).Should().Be("*1\r\n$4\r\nPING\r\n");
        Write(new RedisCommand("SET", "k", "")).Should().Be("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    }

    [Fact]
    public void Counts_utf8_bytes_not_characters()
    {
        Write(new RedisCommand("SET", "clé", "日本")).Should().Be("*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$6\r\n日本\r\n");
    }

    [Fact]
    public void Writes_bytes_as_they_are()
    {
        var output = new ArrayBufferWriter<byte>();
        RespCommandWriter.Write(output, new RedisCommand("SET", "k", new byte[] { 0, 13, 10, 255 }));
        output.WrittenSpan.ToArray().Should().Equal("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n"u8.ToArray().Concat(new byte[] { 0, 13, 10, 255, 13, 10 }));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(-5L, "-5")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    public void Writes_integers_invariant(long value, string expected)
    {
        Write(new RedisCommand("X", value)).Should().EndWith($"${expected.Length}\r\n{expected}\r\n");
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1.5, "1.5")]
    [InlineData(-2.0, "-2")]
    [InlineData(1e300, "1E+300")]
    [InlineData(double.PositiveInfinity, "+inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Writes_doubles_invariant_and_round_trippable(double value, string expected)
    {
        Write(new RedisCommand("ZADD", "z", value, "m")).Should().Contain($"${expected.Length}\r\n{expected}\r\n");
    }

    [Fact]
    public void Doubles_round_trip_exactly_whatever_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var random = new Random(11);
            for (var i = 0; i < 1000; i++)
            {
                var value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20));
                var text = Encoding.ASCII.GetString(RespCommandWriter.FormatNumber(value));
                double.Parse(text, System.Globalization.CultureInfo.InvariantCulture).Should().Be(value);
                text.Should().NotContain(",");
            }
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void NaN_is_refused_before_anything_is_written()
    {
        var act = () => new RedisCommand("ZADD", "z", double.NaN, "m");
        act.Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }

    [Fact]
    public void What_the_writer_writes_the_parser_reads_back()
    {
        var output = new ArrayBufferWriter<byte>();
        RespCommandWriter.Write(output, new RedisCommand("HSET", "h", "f", 12, 3.5, new byte[] { 1, 2 }));
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        RespParser.TryRead(ref buffer, out var parsed).Should().BeTrue();
        parsed.AsArray().Select(p => p.AsString()).Should().Equal("HSET", "h", "f", "12", "3.5", "\u0001\u0002");
    }

    [Fact]
    public void A_large_argument_grows_the_rented_buffer()
    {
        using var output = new RentedBufferWriter();
        var payload = new byte[3 * 1024 * 1024];
        RespCommandWriter.Write(output, new RedisCommand("SET", "k", payload));
        output.WrittenCount.Should().Be(payload.Length + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3145728\r\n\r\n".Length);
        output.Reset();
        output.WrittenCount.Should().Be(0);
    }
}
