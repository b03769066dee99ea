namespace Celeriac.Protocol.Tests.Support;

/// <summary>Compares the in-repository vectors with the folder they were captured into, file by file and byte by byte.</summary>
public static class VectorFolderComparison
{
    /// <summary>One line per difference between the <c>*.json</c> files of the two folders; empty when they match.</summary>
    public static IReadOnlyList<string> Differences(string inRepository, string captured)
    {
        var ours = Names(inRepository);
        var theirs = Names(captured);
        var differences = new List<string>();
        foreach (var name in ours.Intersect(theirs, StringComparer.Ordinal))
            if (!File.ReadAllBytes(Path.Combine(inRepository, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(captured, name))))
                differences.Add($"{name} differs");
        differences.AddRange(theirs.Except(ours, StringComparer.Ordinal).Select(n => $"{n} is captured but not in tests/vectors"));
        differences.AddRange(ours.Except(theirs, StringComparer.Ordinal).Select(n => $"{n} is in tests/vectors but no longer captured"));
        return differences;
    }

    private static SortedSet<string> Names(string folder) =>
        new(Directory.GetFiles(folder, "*.json").Select(f => Path.GetFileName(f)), StringComparer.Ordinal);
}
