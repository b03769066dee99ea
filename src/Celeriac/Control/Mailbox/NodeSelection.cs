using System.Text.RegularExpressions;
using Celeriac.Protocol.Control;

namespace Celeriac.Control.Mailbox;

/// <summary>
/// Whether a request is for this node (docs/protocol.md §7.3, kombu's <c>Node.handle_message</c>): a
/// non-empty <c>destination</c> must name it; else a <c>pattern</c> with a <c>matcher</c> must match
/// it (<c>glob</c> = fnmatch, <c>pcre</c> = <c>re.match</c>, anchored at the start only); else every
/// node runs it.
/// </summary>
internal static class NodeSelection
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>True when <paramref name="node"/> should run the request. Throws <see cref="FormatException"/> for an unknown matcher or a bad pattern.</summary>
    public static bool Selects(ControlRequest request, string node)
    {
        if (request.Destination is { Count: > 0 } destination) return destination.Contains(node, StringComparer.Ordinal);
        if (string.IsNullOrEmpty(request.Pattern) || string.IsNullOrEmpty(request.Matcher)) return true;
        return Matches(node, request.Pattern, request.Matcher);
    }

    private static bool Matches(string node, string pattern, string matcher)
    {
        try
        {
            return matcher switch
            {
                "glob" => GlobPattern.IsMatch(node, pattern),
                // re.match: a match must start at the beginning; the leftmost match starts there if any does.
                "pcre" => Regex.Match(node, pattern, RegexOptions.CultureInvariant, MatchTimeout) is { Success: true, Index: 0 },
                _ => throw new FormatException($"no matcher installed for '{matcher}' (glob and pcre are)"),
            };
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"bad {matcher} pattern '{pattern}': {ex.Message}", ex);
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new FormatException($"{matcher} pattern '{pattern}' took too long to match", ex);
        }
    }
}
