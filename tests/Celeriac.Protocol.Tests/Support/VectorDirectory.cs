namespace Celeriac.Protocol.Tests.Support;

/// <summary>
/// Finds the captured vectors at run time. They live in the shared folder next to the repository
/// (<c>../shared/protocol/vectors</c> from the repo root), never in the repo, so the tests follow
/// the shared copy when it changes. <c>CELERIAC_SHARED_DIR</c> points at another shared folder.
/// A missing folder is an error, never a skip: silently running zero golden tests would look green.
/// </summary>
public static class VectorDirectory
{
    public const string EnvironmentVariable = "CELERIAC_SHARED_DIR";

    private static readonly Lazy<string> Located = new(Locate);

    /// <summary>Absolute path of the vectors folder; throws when it cannot be found.</summary>
    public static string Path => Located.Value;

    private static string Locate()
    {
        var tried = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(fromEnvironment, "protocol", "vectors"));
            if (Directory.Exists(candidate)) return candidate;
            throw new DirectoryNotFoundException(
                $"{EnvironmentVariable}={fromEnvironment} but '{candidate}' does not exist.");
        }

        // Walk up from the test binaries to the repository root (the folder holding Celeriac.slnx),
        // then look for the shared folder beside it. Worktrees work the same way.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(dir.FullName, "Celeriac.slnx"))) continue;
            var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "protocol", "vectors"));
            if (Directory.Exists(candidate)) return candidate;
            tried.Add(candidate);
        }

        throw new DirectoryNotFoundException(
            "Golden protocol vectors not found. Expected ../shared/protocol/vectors beside the repository root " +
            $"(tried: {(tried.Count == 0 ? "no repository root above " + AppContext.BaseDirectory : string.Join(", ", tried))}). " +
            $"Set {EnvironmentVariable} to the shared folder to override.");
    }
}
