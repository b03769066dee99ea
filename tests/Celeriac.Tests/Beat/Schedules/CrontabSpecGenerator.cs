using System.Globalization;

namespace Celeriac.Tests.Beat.Schedules;

/// <summary>Random crontab fields in Celery's grammar: <c>*</c>, <c>*/N</c>, <c>A</c>, <c>A-B</c>, <c>A-B/N</c>, lists, day names, wrapping ranges.</summary>
internal sealed class CrontabSpecGenerator(int seed)
{
    private static readonly string[] DayWords = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "Monday", "FRIDAY", "Tues", "sunday", "Sat"];
    private readonly Random _random = new(seed);

    /// <summary>The five fields: minute, hour, day_of_week, day_of_month, month_of_year.</summary>
    public string[] Spec() =>
    [
        Field(60, 0, names: false),
        Field(24, 0, names: false),
        Field(7, 0, names: true),
        Field(31, 1, names: false),
        Field(12, 1, names: false),
    ];

    /// <summary>An instant between 2001 and 2034; a third of them on a whole minute, some at a month's last minute.</summary>
    public DateTimeOffset Instant()
    {
        var year = _random.Next(2001, 2035);
        var month = _random.Next(1, 13);
        var days = DateTime.DaysInMonth(year, month);
        var roll = _random.NextDouble();
        if (roll < 0.15) return new DateTimeOffset(year, month, days, 23, 59, 0, TimeSpan.Zero).AddSeconds(_random.Next(0, 60));
        var at = new DateTimeOffset(year, month, _random.Next(1, days + 1), _random.Next(24), _random.Next(60), 0, TimeSpan.Zero);
        return roll < 0.45 ? at : at.AddSeconds(_random.Next(60)).AddTicks(_random.Next(1_000_000) * 10L);
    }

    public T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    private string Field(int max, int min, bool names)
    {
        if (_random.NextDouble() < 0.4) return "*";
        var parts = _random.Next(1, 4);
        return string.Join(",", Enumerable.Range(0, parts).Select(_ => Part(max, min, names)));
    }

    private string Part(int max, int min, bool names) => _random.Next(6) switch
    {
        0 => "*",
        1 => $"*/{Step(max)}",
        2 => Value(max, min, names),
        3 => $"{Value(max, min, names)}-{Value(max, min, names)}",
        4 => $"{Value(max, min, names)}-{Value(max, min, names)}/{Step(max)}",
        _ => Value(max, min, names),
    };

    private string Step(int max) => (_random.NextDouble() < 0.1 ? _random.Next(max, 2 * max) : _random.Next(1, Math.Max(2, max / 2))).ToString(CultureInfo.InvariantCulture);

    private string Value(int max, int min, bool names) =>
        names && _random.NextDouble() < 0.5 ? Pick(DayWords) : _random.Next(min, min + max).ToString(CultureInfo.InvariantCulture);
}
