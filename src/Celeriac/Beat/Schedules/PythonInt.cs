namespace Celeriac.Beat.Schedules;

/// <summary>
/// Python's <c>int(text)</c> for base 10, as Celery's crontab parser applies it: surrounding
/// whitespace, one sign, decimal digits of any script, single underscores between digits.
/// </summary>
internal static class PythonInt
{
    /// <summary>Parses like <c>int()</c>; values beyond <see cref="long"/> saturate (they are out of any field's range anyway).</summary>
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        var start = 0;
        var end = text.Length;
        while (start < end && IsSpace(text[start])) start++;
        while (end > start && IsSpace(text[end - 1])) end--;
        if (start == end) return false;
        var negative = false;
        if (text[start] is '+' or '-')
        {
            negative = text[start] == '-';
            start++;
        }
        if (start == end) return false;
        var previousWasDigit = false;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c == '_')
            {
                if (!previousWasDigit || i + 1 == end) return false;
                previousWasDigit = false;
                continue;
            }
            if (!char.IsDigit(c)) return false;
            var digit = (long)char.GetNumericValue(c);
            value = value > (long.MaxValue - digit) / 10 ? long.MaxValue : value * 10 + digit;
            previousWasDigit = true;
        }
        if (negative) value = -value;
        return true;
    }

    // str.isspace: .NET's white space plus the ASCII separators \x1c-\x1f Python also counts.
    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';
}
