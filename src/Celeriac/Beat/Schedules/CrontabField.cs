namespace Celeriac.Beat.Schedules;

/// <summary>
/// One parsed field of Celery's <c>crontab</c>: the set of values it matches (a bit mask, values
/// 0–59 at most) and whether it was written as a series (<c>*</c>, a range or a step), which
/// decides how the schedule behaves in a fall-back hour.
/// </summary>
internal sealed class CrontabField
{
    private readonly ulong _bits;
    private readonly int[] _sorted;

    public CrontabField(string name, ulong bits, bool isSeries)
    {
        Name = name;
        _bits = bits;
        IsSeries = isSeries;
        var values = new List<int>();
        for (var v = 0; v < 64; v++)
            if ((bits & (1UL << v)) != 0) values.Add(v);
        _sorted = [.. values];
    }

    /// <summary>Celery's argument name (<c>minute</c>, <c>day_of_week</c>…), for error messages.</summary>
    public string Name { get; }

    /// <summary>Written with <c>*</c>, a range or a step (Cronos's "interval" test).</summary>
    public bool IsSeries { get; }

    /// <summary>The values, ascending.</summary>
    public IReadOnlyList<int> Values => _sorted;

    /// <summary>The smallest value.</summary>
    public int First => _sorted[0];

    public bool Contains(int value) => value is >= 0 and < 64 && (_bits & (1UL << value)) != 0;

    /// <summary>The smallest value ≥ <paramref name="value"/>, or -1.</summary>
    public int AtOrAfter(int value)
    {
        if (value < 0) value = 0;
        if (value >= 64) return -1;
        var rest = _bits >> value;
        return rest == 0 ? -1 : value + System.Numerics.BitOperations.TrailingZeroCount(rest);
    }
}
