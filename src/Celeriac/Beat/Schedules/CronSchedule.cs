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
public sealed class CronSchedule : BeatSchedule
{
    private readonly CronExpression _expression;

    /// <summary>Parses <paramref name="expression"/>; throws <see cref="FormatException"/> when it does not parse.</summary>
    public CronSchedule(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        Expression = expression;
        var fields = expression.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            _expression = CronExpression.Parse(expression.Trim(), fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
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
        return _expression.GetNextOccurrence(previous, zone)?.ToUniversalTime();
    }

    /// <inheritdoc />
    public override string ToString() => $"cron({Expression})";
}
