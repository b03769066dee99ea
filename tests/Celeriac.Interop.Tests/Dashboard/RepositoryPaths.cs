namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>Where test artifacts go: under the repository's <c>artifacts/</c> (gitignored), whatever the working directory.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory holding <c>Celeriac.slnx</c>, found upward from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary><c>artifacts/screenshots/</c>: the dashboard's pages as the browser tests saw them.</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "screenshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Celeriac.slnx"))) return dir.FullName;
        // A test assembly copied away from the repository: keep the artifacts beside it.
        return AppContext.BaseDirectory;
    }
}
