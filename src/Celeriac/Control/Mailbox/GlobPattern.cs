using System.Text;
using System.Text.RegularExpressions;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// Python's <c>fnmatch.fnmatch</c> on POSIX (case-sensitive), which kombu's <c>glob</c> matcher is:
/// <c>*</c> any run, <c>?</c> one character, <c>[seq]</c>/<c>[!seq]</c> a set, the whole name matched.
/// </summary>
internal static class GlobPattern
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>True when <paramref name="name"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool IsMatch(string name, string pattern) =>
        Regex.IsMatch(name, ToRegex(pattern), RegexOptions.Singleline | RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>The anchored regular expression for <paramref name="pattern"/> (as <c>fnmatch.translate</c>).</summary>
    public static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^(?:");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var j = i + 1;
                    if (j < pattern.Length && pattern[j] == '!') j++;
                    if (j < pattern.Length && pattern[j] == ']') j++;
                    while (j < pattern.Length && pattern[j] != ']') j++;
                    if (j >= pattern.Length)
                    {
                        sb.Append(@"\["); // no closing bracket: a literal '[', as fnmatch
                        break;
                    }
                    var set = pattern[(i + 1)..j].Replace(@"\", @"\\", StringComparison.Ordinal);
                    if (set.StartsWith('!')) set = "^" + set[1..];
                    else if (set.StartsWith('^')) set = @"\" + set;
                    sb.Append('[').Append(set).Append(']');
                    i = j;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.Append(")$").ToString();
    }
}
