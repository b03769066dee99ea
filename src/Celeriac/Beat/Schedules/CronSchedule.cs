using Cronos;

namespace Celeriac.Beat.Schedules;

/// <summary>
/// A standard cron expression with optional seconds, read by Cronos: five fields (minute hour
/// day-of-month month day-of-week), or six with seconds first, and Cronos's extras (<c>L</c>,
/// <c>W</c>, <c>#</c>, month and day names, <c>@daily</c>…). Unlike Celery's <c>crontab</c>, day of
/// week 7 is Sunday too and the field order is cron's. DST as Cronos: a run in a spring-forward gap
/// fires at the gap's end; in a fall-back hour a fixed time fires once and a series (second, minute
/// or hour with <c>*</c>, a range or a step) in both passes.
/// </summary>
/// <remarks>
/// Cronos finds the matching wall times (asked in UTC, where no DST exists); the DST rules are
/// applied by <see cref="WallClockRecurrence"/>, as for the crontab. Cronos's own zone handling
/// trusts <see cref="TimeZoneInfo.IsAmbiguousTime(DateTime)"/>, which is false in Europe/Dublin's
/// repeated hour on Linux (tzdata's negative "daylight" time), so it skipped a stepped entry's
/// second pass there; ours reads offsets at instants and does not.
/// </remarks>
public sealed class CronSchedule : BeatSchedule
{
    private readonly CronExpression _expression;
    private readonly bool _repeatsInFold;

    /// <summary>Parses <paramref name="expression"/>; throws <see cref="FormatException"/> when it does not parse.</summary>
    public CronSchedule(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        Expression = expression;
        var fields = expression.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            _expression = CronExpression.Parse(expression.Trim(), fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            _repeatsInFold = IsSeries(expression.Trim(), fields);
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"cron expression '{expression}' is invalid: {e.Message}", e);
        }
    }

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <inheritdoc />
    public override DateTimeOffset? GetNextRun(DateTimeOffset previous, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return WallClockRecurrence.Next(previous, zone, _repeatsInFold, NextWallTime);
    }

    private DateTime? NextWallTime(DateTime wall, bool inclusive) =>
        _expression.GetNextOccurrence(DateTime.SpecifyKind(wall, DateTimeKind.Utc), TimeZoneInfo.Utc, inclusive) is { } next
            ? DateTime.SpecifyKind(next, DateTimeKind.Unspecified)
            : null;

    // Cronos's "interval" expression: its second, minute or hour field has '*', '?', a range or a step.
    private static bool IsSeries(string expression, int fields)
    {
        if (expression.StartsWith('@'))
            return expression.ToLowerInvariant() is "@every_second" or "@every_minute" or "@hourly";
        var timeFields = expression.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Take(fields == 6 ? 3 : 2);
        return timeFields.Any(f => f.IndexOfAny(['*', '?', '-', '/']) >= 0);
    }

    /// <inheritdoc />
    public override string ToString() => $"cron({Expression})";
}
