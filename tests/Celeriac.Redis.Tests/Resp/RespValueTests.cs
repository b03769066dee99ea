using System.Buffers;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Tests.Resp;

public sealed class RespValueTests
{
    private static RespValue Parse(string text)
    {
        var buffer = new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(text));
        RespParser.TryRead(ref buffer, out var value).Should().BeTrue();
        return value;
    }

    [Fact]
    public void Reads_numbers_from_integer_and_string_replies()
    {
        Parse(":5\r\n").AsInt64().Should().Be(5);
        Parse("$2\r\n-3\r\n").AsInt64().Should().Be(-3);
        Parse("$4\r\n2.25\r\n").AsDouble().Should().Be(2.25);
        Parse("$3\r\ninf\r\n").AsDouble().Should().Be(double.PositiveInfinity);
        Parse("$4\r\n-inf\r\n").AsDouble().Should().Be(double.NegativeInfinity);
    }

    [Fact]
    public void Nil_is_null_for_strings_and_an_error_for_arrays()
    {
        Parse("$-1\r\n").IsNull.Should().BeTrue();
        Parse("$-1\r\n").AsString().Should().BeNull();
        Parse("$0\r\n\r\n").IsNull.Should().BeFalse();
        var act = () => Parse("*-1\r\n").AsArray();
        act.Should().Throw<InvalidOperationException>().WithMessage("Expected an array reply from Redis but got nil*");
    }

    [Fact]
    public void Asking_for_the_wrong_shape_names_both()
    {
        var act = () => Parse("+OK\r\n").AsInt64();
        act.Should().Throw<InvalidOperationException>().WithMessage("Expected an integer reply from Redis but got SimpleString: OK");
    }

    [Fact]
    public void Renders_like_redis_cli()
    {
        Parse("*4\r\n+OK\r\n:1\r\n$1\r\nx\r\n$-1\r\n").ToString().Should().Be("[OK, (integer) 1, \"x\", (nil)]");
        Parse("-ERR no\r\n").ToString().Should().Be("(error) ERR no");
    }

    [Fact]
    public void Common_simple_strings_are_shared_but_still_read_correctly()
    {
        Parse("+OK\r\n").Is("OK"u8).Should().BeTrue();
        Parse("+QUEUED\r\n").AsString().Should().Be("QUEUED");
        Parse("+PONG\r\n").AsString().Should().Be("PONG");
    }
}
