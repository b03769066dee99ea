namespace Celeriac.Beat.Schedules;

/// <summary>
/// Celery 5.2.6's <c>crontab_parser</c> (celery/schedules.py; docs/protocol.md §8.2), quirks
/// included, so a spec means here what it means to Python: comma-separated parts, each tried
/// against Celery's patterns in order — <c>A-B/N</c>, <c>A-B</c>, <c>*/N</c>, <c>*</c> — with
/// Python's <c>re.match</c> (anchored at the start only, so text after a match is ignored:
/// <c>1-5-9</c> is <c>1-5</c>), else the whole part as one number. A number is Python's
/// <c>int()</c> (surrounding blanks, <c>+</c>, <c>_</c> between digits) or a day name by its first
/// three letters in any field (<c>minute='mon'</c> is 1); ranges wrap past the field's end
/// (<c>fri-mon</c> = 5, 6, 0, 1); <c>/N</c> keeps every N-th value of the expanded list from its
/// first. Negative and out-of-range values are errors.
/// </summary>
internal static class CrontabParser
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>Parses one field whose values run from <paramref name="min"/> to <paramref name="min"/> + <paramref name="max"/> − 1 (Celery's <c>max_</c>, <c>min_</c>).</summary>
    public static CrontabField Parse(string name, string spec, int max, int min)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            var bits = 0UL;
            var series = false;
            foreach (var part in spec.Split(','))
            {
                if (part.Length == 0) throw Error("empty part");
                foreach (var v in ParsePart(part, max, min, ref series)) bits |= 1UL << v;
            }
            return new CrontabField(name, bits, series);
        }
        catch (CrontabSyntaxException e)
        {
            throw new FormatException($"crontab {name} '{spec}' is invalid: {e.Message}", e);
        }
    }

    private static IEnumerable<int> ParsePart(string part, int max, int min, ref bool series)
    {
        // Celery's patterns, tried in its order: (\w+?)-(\w+)/(\w+)?, (\w+?)-(\w+), \*/(\w+)?, ^\*$.
        var first = WordRun(part, 0);
        if (first > 0 && first < part.Length && part[first] == '-')
        {
            var second = WordRun(part, first + 1);
            if (second > first + 1)
            {
                series = true;
                var from = part[..first];
                var to = part[(first + 1)..second];
                if (second < part.Length && part[second] == '/')
                {
                    var step = WordRun(part, second + 1);
                    if (step == second + 1) throw Error("empty filter");
                    return EveryNth(ExpandRange(from, to, max, min), Step(part[(second + 1)..step]));
                }
                return ExpandRange(from, to, max, min);
            }
        }
        if (part.StartsWith("*/", StringComparison.Ordinal))
        {
            series = true;
            var step = WordRun(part, 2);
            if (step == 2) throw Error("empty filter");
            return EveryNth(Star(max, min), Step(part[2..step]));
        }
        // Python's '$' also matches before a final newline.
        if (part is "*" or "*\n")
        {
            series = true;
            return Star(max, min);
        }
        return [Number(part, max, min)];
    }

    private static List<int> Star(int max, int min) => [.. Enumerable.Range(min, max)];

    private static List<int> ExpandRange(string fromText, string toText, int max, int min)
    {
        var from = Number(fromText, max, min);
        var to = Number(toText, max, min);
        if (to >= from) return [.. Enumerable.Range(from, to - from + 1)];
        // Wraps around the field's end: fri-mon = 5, 6, 0, 1.
        return [.. Enumerable.Range(from, min + max - from), .. Enumerable.Range(min, to - min + 1)];
    }

    private static IEnumerable<int> EveryNth(List<int> values, int step)
    {
        for (var i = 0; i < values.Count; i += step) yield return values[i];
    }

    private static int Step(string text)
    {
        if (!PythonInt.TryParse(text, out var step)) throw Error($"invalid literal for int() with base 10: '{text}'");
        if (step == 0) throw Error("slice step cannot be zero");
        return step > int.MaxValue ? int.MaxValue : (int)step;
    }

    // Celery's _expand_number: an int, else a day name; then the field's bounds.
    private static int Number(string text, int max, int min)
    {
        if (text[0] == '-') throw Error("negative numbers not supported");
        long value;
        if (!PythonInt.TryParse(text, out value))
        {
            var day = DayIndex(text);
            if (day < 0) throw Error($"Invalid weekday literal '{text}'.");
            value = day;
        }
        var last = min + max - 1;
        if (value > last) throw Error($"Invalid end range: {value} > {last}.");
        if (value < min) throw Error($"Invalid beginning range: {value} < {min}.");
        return (int)value;
    }

    // celery.utils.time.weekday: the first three letters, lower-cased (ASCII only can match).
    private static int DayIndex(string text)
    {
        if (text.Length < 3) return -1;
        Span<char> abbreviation = stackalloc char[3];
        for (var i = 0; i < 3; i++)
        {
            var c = text[i];
            abbreviation[i] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
        }
        for (var d = 0; d < DayNames.Length; d++)
            if (abbreviation.SequenceEqual(DayNames[d])) return d;
        return -1;
    }

    // The end of the run of Python regex word characters (\w on str: letters, numbers, '_') from start.
    private static int WordRun(string text, int start)
    {
        var i = start;
        while (i < text.Length && (char.IsLetter(text[i]) || char.IsNumber(text[i]) || text[i] == '_')) i++;
        return i;
    }

    private static CrontabSyntaxException Error(string message) => new(message);

    private sealed class CrontabSyntaxException(string message) : Exception(message);
}
