namespace Celeriac.Samples.Tests.Deploy;

/// <summary>Files of the repository this test was built from (found by Celeriac.slnx above the test's output).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Celeriac.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Celeriac.slnx above {AppContext.BaseDirectory}");
    }
}
