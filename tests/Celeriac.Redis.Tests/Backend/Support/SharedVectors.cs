using System.Text.Json.Nodes;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>
/// The captured protocol vectors (<c>../shared/protocol/vectors</c> beside the repository root, or
/// <c>CELERIAC_SHARED_DIR</c>/protocol/vectors), as the protocol tests find them. Missing is an error.
/// </summary>
internal static class SharedVectors
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory.Value, name + ".json")))!.AsObject();

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("CELERIAC_SHARED_DIR") is { Length: > 0 } shared)
            return Path.GetFullPath(Path.Combine(shared, "protocol", "vectors"));
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Celeriac.slnx"))) continue;
            var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "protocol", "vectors"));
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("protocol vectors not found (../shared/protocol/vectors beside the repository, or CELERIAC_SHARED_DIR)");
    }
}
