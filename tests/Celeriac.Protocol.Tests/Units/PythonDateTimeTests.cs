using Celeriac.Protocol.Json;

namespace Celeriac.Protocol.Tests.Units;

/// <summary>PythonDateTime against Python's datetime.isoformat() and the forms Celery readers accept.</summary>
public class PythonDateTimeTests
{
    [Theory]
    [InlineData(0, 0, "2030-01-02T03:04:05+00:00")]
    [InlineData(7_075_270, 0, "2030-01-02T03:04:05.707527+00:00")]
    [InlineData(5_000_000, 0, "2030-01-02T03:04:05.500000+00:00")]
    [InlineData(10, 0, "2030-01-02T03:04:05.000001+00:00")]
    [InlineData(0, 120, "2030-01-02T03:04:05+02:00")]
    [InlineData(0, 330, "2030-01-02T03:04:05+05:30")]
    [InlineData(0, -210, "2030-01-02T03:04:05-03:30")]
    public void Format_writes_microseconds_only_when_non_zero_and_the_offset(long extraTicks, int offsetMinutes, string expected)
    {
        var value = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(extraTicks);
        PythonDateTime.Format(value).Should().Be(expected);
    }

    [Fact]
    public void Format_truncates_to_whole_microseconds()
    {
        var value = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(9); // 0.9 µs
        PythonDateTime.Format(value).Should().Be("2030-01-02T03:04:05+00:00");
    }

    [Theory]
    [InlineData(0, "2026-11-21T05:44:51")]
    [InlineData(7_148_950, "2026-11-21T05:44:51.714895")]
    public void FormatNaiveUtc_writes_celery_5_2_date_done(long extraTicks, string expected) =>
        PythonDateTime.FormatNaiveUtc(new DateTime(2026, 11, 21, 5, 44, 51, DateTimeKind.Utc).AddTicks(extraTicks)).Should().Be(expected);

    [Fact]
    public void FormatNaiveUtc_converts_a_local_time_to_utc()
    {
        var utc = new DateTime(2026, 11, 21, 5, 44, 51, DateTimeKind.Utc);
        PythonDateTime.FormatNaiveUtc(utc.ToLocalTime()).Should().Be("2026-11-21T05:44:51");
    }

    [Theory]
    [InlineData("2026-11-21T06:02:44.537000Z")]
    [InlineData("2026-11-21T06:02:44.537000+00:00")]
    [InlineData("2026-11-21T06:02:44.537000")]
    [InlineData("2026-11-21T08:02:44.537+02:00")]
    [InlineData("2026-11-21T02:32:44.537-03:30")]
    public void Parse_accepts_z_offsets_and_naive_utc(string text)
    {
        var value = PythonDateTime.Parse(text);
        value.UtcDateTime.Should().Be(new DateTime(2026, 11, 21, 6, 2, 44, 537, DateTimeKind.Utc));
    }

    [Fact]
    public void Parse_keeps_the_written_offset_so_format_round_trips()
    {
        const string text = "2030-01-02T03:04:05.707527+05:30";
        PythonDateTime.Format(PythonDateTime.Parse(text)).Should().Be(text);
        PythonDateTime.Format(PythonDateTime.Parse("2030-01-02T03:04:05Z")).Should().Be("2030-01-02T03:04:05+00:00");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tomorrow")]
    [InlineData("2026-13-45T00:00:00")]
    [InlineData("Nov 21 2026")]
    [InlineData("12")]
    public void Parse_refuses_what_is_not_an_iso_time(string? text)
    {
        PythonDateTime.TryParse(text, out _).Should().BeFalse();
        if (text is not null)
            FluentActions.Invoking(() => PythonDateTime.Parse(text)).Should().Throw<FormatException>().WithMessage($"*'{text}'*");
    }
}
