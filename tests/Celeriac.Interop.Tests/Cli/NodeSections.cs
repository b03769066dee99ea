namespace Celeriac.Interop.Tests.Cli;

/// <summary>
/// Reads the text <c>celeriac inspect</c> prints for several nodes: each node's name on a line of its own, then its
/// table, and "N nodes online." at the end. The nodes answer in any order, so tests look at one node's part.
/// </summary>
internal static class NodeSections
{
    /// <summary>The lines from <paramref name="node"/>'s heading up to the next node's heading or the closing line.</summary>
    public static string Of(string text, string node, IReadOnlyCollection<string> nodes)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.IndexOf(node);
        start.Should().BeGreaterThanOrEqualTo(0, $"{node} should have a heading of its own in:\n{text}");
        var end = lines.FindIndex(start + 1, l => nodes.Contains(l) || l.EndsWith(" online.", StringComparison.Ordinal));
        return string.Join('\n', lines[(start + 1)..(end < 0 ? lines.Count : end)]);
    }
}
