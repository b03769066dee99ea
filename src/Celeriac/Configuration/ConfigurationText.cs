using System.Globalization;

namespace Celeriac.Configuration;

/// <summary>
/// Configuration hands every value over as text, whatever the source (a JSON number, an environment
/// variable); where a setting holds free-form values (queue arguments, beat entries) this types
/// the text back: integers (int, or long beyond int), finite floats, booleans; anything else stays text.
/// </summary>
internal static class ConfigurationText
{
    /// <summary>The value <paramref name="text"/> most likely was before configuration turned it into text.</summary>
    public static object Typed(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            return number is >= int.MinValue and <= int.MaxValue ? (object)(int)number : number;
        if (bool.TryParse(text, out var flag)) return flag;
        // Only what reads as a JSON float: "NaN", "Infinity" and "1,5" stay text.
        if (text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0
            && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
            return real;
        return text;
    }
}
