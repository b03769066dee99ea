using Celeriac.RateLimiting;
using Celeriac.Testing;

namespace Celeriac.Tests;

/// <summary>Celery's rate notation (docs/protocol.md §5.9) and the token bucket that enforces it, on a virtual clock.</summary>
public sealed class RateLimitParseTests
{
    [Theory]
    [InlineData("10/s", 10.0)]
    [InlineData("100/m", 100.0 / 60)]
    [InlineData("1000/h", 1000.0 / 3600)]
    [InlineData("0.5/s", 0.5)]
    [InlineData("2/h", 2.0 / 3600)]
    [InlineData("10", 10.0)]
    [InlineData(" 6 / m ", 0.1)]
    public void Parses_celery_notation_into_tokens_per_second(string text, double perSecond)
    {
        var rate = RateLimit.Parse(text);

        rate.IsLimited.Should().BeTrue();
        rate.PerSecond.Should().BeApproximately(perSecond, 1e-12);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("0/m")]
    public void Empty_or_zero_means_no_limit(string? text)
    {
        var rate = RateLimit.Parse(text);

        rate.IsLimited.Should().BeFalse();
        rate.Should().Be(RateLimit.None);
        rate.Interval.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("10/x")]
    [InlineData("10/sec")]
    [InlineData("/s")]
    [InlineData("-1/s")]
    [InlineData("10/s/s")]
    [InlineData("NaN/s")]
    [InlineData("Infinity")]
    public void Anything_else_is_a_FormatException_naming_the_text(string text)
    {
        var parse = () => RateLimit.Parse(text);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain(text);
        RateLimit.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void An_invalid_default_rate_limit_is_reported_by_Validate()
    {
        var options = new CeleriacOptions { DefaultRateLimit = "10/fortnight" };

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message.Should().Contain("10/fortnight");
    }

    [Fact]
    public void The_bucket_holds_one_token_and_refills_by_virtual_time()
    {
        var clock = new VirtualClock();
        var bucket = new TokenBucket(RateLimit.Parse("2/s"), clock);

        bucket.TryTake().Should().BeTrue();
        bucket.TryTake().Should().BeFalse();
        bucket.UntilNextToken().Should().Be(TimeSpan.FromSeconds(0.5));

        clock.Advance(TimeSpan.FromSeconds(0.4));
        bucket.TryTake().Should().BeFalse();
        bucket.UntilNextToken().Should().Be(TimeSpan.FromSeconds(0.1));

        clock.Advance(TimeSpan.FromSeconds(0.1));
        bucket.TryTake().Should().BeTrue();

        // Capacity 1: a long idle time does not bank a burst.
        clock.Advance(TimeSpan.FromMinutes(10));
        bucket.TryTake().Should().BeTrue();
        bucket.TryTake().Should().BeFalse();
    }

    [Fact]
    public void A_slow_rate_gives_its_next_token_exactly_one_interval_later()
    {
        var clock = new VirtualClock();
        var bucket = new TokenBucket(RateLimit.Parse("1/m"), clock);

        bucket.TryTake().Should().BeTrue();
        bucket.UntilNextToken().Should().Be(TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromSeconds(59.999));
        bucket.TryTake().Should().BeFalse();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        bucket.TryTake().Should().BeTrue();
    }
}
