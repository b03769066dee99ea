using System.Buffers;
using System.Text;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Tests.Resp;

public sealed class RespParserTests
{
    // Every reply type once, including nils, empties, binary bulk data and nesting.
    private const string Corpus =
        "+OK\r\n" +
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n" +
        ":0\r\n:42\r\n:-9223372036854775808\r\n:9223372036854775807\r\n" +
        "$5\r\nhello\r\n$0\r\n\r\n$-1\r\n$4\r\na\r\nb\r\n" +
        "*0\r\n*-1\r\n" +
        "*3\r\n$3\r\nfoo\r\n:7\r\n$-1\r\n" +
        "*2\r\n*2\r\n+a\r\n-ERR b\r\n*1\r\n*0\r\n" +
        "+\r\n";

    private static readonly string[] CorpusExpected =
    [
        "+OK",
        "-WRONGTYPE Operation against a key holding the wrong kind of value",
        ":0", ":42", ":-9223372036854775808", ":9223372036854775807",
        "$hello", "$", "$nil", "$a\r\nb",
        "*[]", "*nil",
        "*[$foo, :7, $nil]",
        "*[*[+a, -ERR b], *[*[]]]",
        "+",
    ];

    [Theory]
    [InlineData("+OK\r\n", "+OK")]
    [InlineData("-ERR unknown command 'FOO'\r\n", "-ERR unknown command 'FOO'")]
    [InlineData(":1000\r\n", ":1000")]
    [InlineData(":-1\r\n", ":-1")]
    [InlineData("$6\r\nfoobar\r\n", "$foobar")]
    [InlineData("$0\r\n\r\n", "$")]
    [InlineData("$-1\r\n", "$nil")]
    [InlineData("*0\r\n", "*[]")]
    [InlineData("*-1\r\n", "*nil")]
    [InlineData("*2\r\n$3\r\nfoo\r\n$3\r\nbar\r\n", "*[$foo, $bar]")]
    [InlineData("*3\r\n:1\r\n*1\r\n+x\r\n$-1\r\n", "*[:1, *[+x], $nil]")]
    public void Parses_each_reply_type(string input, string expected)
    {
        var values = RespFeeder.ParseAll(Encoding.UTF8.GetBytes(input));
        values.Should().ContainSingle().Which.Should().Match<RespValue>(v => Describe(v) == expected);
    }

    [Fact]
    public void Parses_a_stream_of_replies_in_order()
    {
        RespFeeder.ParseAll(Encoding.UTF8.GetBytes(Corpus)).Select(Describe).Should().Equal(CorpusExpected);
    }

    [Fact]
    public void Parses_the_same_when_fed_one_byte_at_a_time()
    {
        var data = Encoding.UTF8.GetBytes(Corpus);
        var chunks = data.Select(b => new[] { b }).ToList();
        RespFeeder.Feed(chunks).Select(Describe).Should().Equal(CorpusExpected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(1234)]
    public void Parses_the_same_when_split_at_random_boundaries(int seed)
    {
        var data = Encoding.UTF8.GetBytes(Corpus);
        var chunks = ChunkedSequence.Split(data, ChunkedSequence.RandomSizes(seed, max: 9));
        chunks.Count.Should().BeGreaterThan(10);
        RespFeeder.Feed(chunks).Select(Describe).Should().Equal(CorpusExpected);
    }

    [Fact]
    public void Every_truncation_of_a_reply_needs_more_data_and_consumes_nothing()
    {
        var whole = Encoding.UTF8.GetBytes("*3\r\n$5\r\nhello\r\n*2\r\n:1\r\n-ERR x\r\n$-1\r\n");
        for (var length = 0; length < whole.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(whole, 0, length);
            RespParser.TryRead(ref buffer, out _).Should().BeFalse($"{length} of {whole.Length} bytes is not a whole reply");
            buffer.Length.Should().Be(length);
        }
    }

    [Fact]
    public void A_whole_reply_followed_by_a_partial_one_consumes_only_the_whole_one()
    {
        var buffer = new ReadOnlySequence<byte>("+OK\r\n$10\r\nhel"u8.ToArray());
        RespParser.TryRead(ref buffer, out var first).Should().BeTrue();
        Describe(first).Should().Be("+OK");
        RespParser.TryRead(ref buffer, out _).Should().BeFalse();
        buffer.Length.Should().Be("$10\r\nhel".Length);
    }

    [Theory]
    [InlineData("?foo\r\n", "unexpected type byte '?'")]
    [InlineData("%1\r\n+a\r\n+b\r\n", "unexpected type byte '%'")] // a RESP3 map: not spoken here
    [InlineData("\0\0\0", "unexpected type byte 0x00")]
    [InlineData("OK\r\n", "unexpected type byte 'O'")]
    [InlineData("*2\r\n:1\r\n!oops\r\n", "unexpected type byte '!'")]
    [InlineData("$abc\r\n", "invalid bulk length")]
    [InlineData("$abc", "invalid bulk length")] // rejected before any CRLF arrives
    [InlineData("$-2\r\n", "invalid bulk string length -2")]
    [InlineData("$99999999999\r\n", "invalid bulk string length")]
    [InlineData("$\r\n", "invalid bulk length ''")]
    [InlineData("*-5\r\n", "invalid array length -5")]
    [InlineData("*x\r\n", "invalid array length")]
    [InlineData(":12a\r\n", "invalid integer")]
    [InlineData(":+5\r\n", "invalid integer '+5'")]
    [InlineData(":99999999999999999999\r\n", "invalid integer")]
    [InlineData("+OK\n", "LF without CR")]
    [InlineData("+OK\rX", "instead of LF")]
    [InlineData(":1\n", "LF without CR")]
    [InlineData("$3\r\nabcXY", "not followed by CRLF")]
    [InlineData("$3\r\nabc\n\n", "not followed by CRLF")]
    public void Garbage_is_a_clear_protocol_error(string input, string expectedProblem)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(input));
        var act = () => RespParser.TryRead(ref buffer, out _);
        act.Should().Throw<RedisProtocolException>()
            .Which.Message.Should().StartWith("Invalid RESP from the server").And.Contain(expectedProblem);
    }

    [Fact]
    public void A_line_that_never_ends_is_garbage_once_it_is_too_long()
    {
        var data = new byte[RespParser.MaxLineLength + 10];
        data.AsSpan().Fill((byte)'a');
        data[0] = (byte)'+';
        var buffer = new ReadOnlySequence<byte>(data);
        var act = () => RespParser.TryRead(ref buffer, out _);
        act.Should().Throw<RedisProtocolException>().WithMessage("*without CRLF*");
    }

    [Fact]
    public void A_huge_array_length_waits_for_data_instead_of_allocating()
    {
        var buffer = new ReadOnlySequence<byte>("*2000000000\r\n:1\r\n"u8.ToArray());
        RespParser.TryRead(ref buffer, out _).Should().BeFalse();
    }

    [Fact]
    public void Parses_a_one_megabyte_bulk_string_whole_and_in_pieces()
    {
        var payload = new byte[1024 * 1024];
        new Random(7).NextBytes(payload);
        var data = Encoding.ASCII.GetBytes($"$" + payload.Length + "\r\n").Concat(payload).Concat("\r\n+OK\r\n"u8.ToArray()).ToArray();

        var whole = RespFeeder.ParseAll(data);
        whole[0].Bytes.ToArray().Should().Equal(payload);

        var pieces = RespFeeder.Feed(ChunkedSequence.Split(data, ChunkedSequence.RandomSizes(3, max: 16 * 1024)));
        pieces.Should().HaveCount(2);
        pieces[0].Bytes.Span.SequenceEqual(payload).Should().BeTrue();
        Describe(pieces[1]).Should().Be("+OK");
    }

    [Fact]
    public void Parses_deep_nesting_without_running_out_of_stack()
    {
        const int depth = 100_000;
        var text = new StringBuilder();
        for (var i = 0; i < depth; i++) text.Append("*1\r\n");
        text.Append(":7\r\n");

        var value = RespFeeder.ParseAll(Encoding.ASCII.GetBytes(text.ToString())).Single();
        for (var i = 0; i < depth; i++) value = value.AsArray().Single();
        value.AsInt64().Should().Be(7);
    }

    [Fact]
    public void Parses_nesting_split_one_byte_at_a_time()
    {
        var text = string.Concat(Enumerable.Repeat("*2\r\n:1\r\n", 50)) + "$2\r\nhi\r\n";
        var value = RespFeeder.Feed(Encoding.ASCII.GetBytes(text).Select(b => new[] { b }).ToList()).Single();
        for (var i = 0; i < 50; i++)
        {
            value.AsArray()[0].AsInt64().Should().Be(1);
            value = value.AsArray()[1];
        }
        value.AsString().Should().Be("hi");
    }

    [Fact]
    public void Parses_a_wide_array()
    {
        var text = new StringBuilder("*10000\r\n");
        for (var i = 0; i < 10_000; i++) text.Append('$').Append(i.ToString().Length).Append("\r\n").Append(i).Append("\r\n");
        var items = RespFeeder.ParseAll(Encoding.ASCII.GetBytes(text.ToString())).Single().AsArray();
        items.Select(item => item.AsInt64()).Should().Equal(Enumerable.Range(0, 10_000).Select(i => (long)i));
    }

    internal static string Describe(RespValue value) => value.Type switch
    {
        RespType.SimpleString => "+" + value.AsString(),
        RespType.Error => "-" + value.AsString(),
        RespType.Integer => ":" + value.AsInt64(),
        RespType.BulkString => value.IsNull ? "$nil" : "$" + value.AsString(),
        _ => value.IsNull ? "*nil" : "*[" + string.Join(", ", value.AsArray().Select(Describe)) + "]",
    };
}
