using System.Text.Json.Nodes;

namespace Celeriac.TestSupport;

/// <summary>
/// The golden vectors: traffic of Python Celery 5.2.6 captured on Redis (task messages, envelopes,
/// result values, events, remote-control requests and replies), kept in the repository under
/// <c>tests/vectors</c> so that a fresh clone tests itself. Compiled into each test project that
/// reads them (linked from <c>tests/Support</c>), so there is one way to find them.
/// A missing folder is an error, never a skip: silently running zero golden tests would look green.
/// </summary>
internal static class GoldenVectors
{
    /// <summary>
    /// Names the folder the vectors were first captured into (its <c>protocol/vectors</c>), for the
    /// check that the in-repository copy is in step with it. Unset: <c>../shared</c> beside the root.
    /// </summary>
    public const string SharedDirectoryVariable = "CELERIAC_SHARED_DIR";

    private static readonly Lazy<string> Root = new(LocateRepositoryRoot);

    /// <summary>The repository root: the first folder above the test binaries holding <c>Celeriac.slnx</c>.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Absolute path of <c>tests/vectors</c> in this repository.</summary>
    public static string Directory
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "tests", "vectors");
            if (!System.IO.Directory.Exists(path))
                throw new DirectoryNotFoundException($"Golden protocol vectors not found: '{path}' does not exist.");
            return path;
        }
    }

    /// <summary>Every vector file name without its <c>.json</c> extension, sorted ordinally.</summary>
    public static IReadOnlyList<string> Names() =>
        System.IO.Directory.GetFiles(Directory, "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f)!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

    /// <summary>The vector <paramref name="name"/> (file name without <c>.json</c>) as a JSON object.</summary>
    public static JsonObject Load(string name)
    {
        var file = Path.Combine(Directory, name + ".json");
        if (!File.Exists(file)) throw new FileNotFoundException($"golden vector '{name}' not found in {Directory}", file);
        return JsonNode.Parse(File.ReadAllText(file))!.AsObject();
    }

    /// <summary>
    /// The folder the vectors were captured into, when this machine has it: <c>$CELERIAC_SHARED_DIR/protocol/vectors</c>
    /// (which must then exist), else <c>../shared/protocol/vectors</c> beside the repository root, else null —
    /// a fresh clone has no such folder, and that is fine.
    /// </summary>
    public static string? CaptureDirectory()
    {
        var configured = Environment.GetEnvironmentVariable(SharedDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(Path.Combine(configured, "protocol", "vectors"));
            if (!System.IO.Directory.Exists(path))
                throw new DirectoryNotFoundException($"{SharedDirectoryVariable}={configured} but '{path}' does not exist.");
            return path;
        }
        var beside = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "protocol", "vectors"));
        return System.IO.Directory.Exists(beside) ? beside : null;
    }

    private static string LocateRepositoryRoot()
    {
        // Walk up from the test binaries (…/tests/<Project>/bin/Release/net10.0). Worktrees work the same way.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Celeriac.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no repository root (a folder holding Celeriac.slnx) above {AppContext.BaseDirectory}");
    }
}
