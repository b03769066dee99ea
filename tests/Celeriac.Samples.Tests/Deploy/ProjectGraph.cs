using System.Xml.Linq;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>What a project needs on disk to restore: itself, its ProjectReferences (transitively) and the Directory.Build files above them.</summary>
internal static class ProjectGraph
{
    /// <summary>Repository-relative paths ('/' separated) of the project and every project it references.</summary>
    public static IReadOnlySet<string> Closure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Full(project)]);
        while (pending.TryPop(out var path))
        {
            if (!seen.Add(Relative(path))) continue;
            File.Exists(path).Should().BeTrue($"{Relative(path)} is referenced and must exist");
            var directory = Path.GetDirectoryName(path)!;
            foreach (var reference in XDocument.Load(path).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value)));
        }
        return seen;
    }

    /// <summary>The Directory.Build.props/targets MSBuild imports for these projects (any in a folder above one of them).</summary>
    public static IReadOnlySet<string> BuildFiles(IEnumerable<string> projects)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var project in projects)
            for (var dir = Path.GetDirectoryName(Full(project)); dir is not null && dir.Length >= RepositoryFiles.Root.Length; dir = Path.GetDirectoryName(dir))
                foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
                    if (File.Exists(Path.Combine(dir, name))) found.Add(Relative(Path.Combine(dir, name)));
        return found;
    }

    /// <summary>The assembly a project builds: its AssemblyName, or its file name.</summary>
    public static string AssemblyName(string project) =>
        XDocument.Load(Full(project)).Descendants("AssemblyName").SingleOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);

    private static string Full(string relative) => Path.GetFullPath(Path.Combine(RepositoryFiles.Root, relative));

    private static string Relative(string full) => Path.GetRelativePath(RepositoryFiles.Root, full).Replace('\\', '/');
}
