using System.Text.Json.Nodes;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>
/// The captured Python vectors (<c>../shared/protocol/vectors</c> beside the repository root, or
/// <c>CELERIAC_SHARED_DIR</c>). Missing vectors fail the test: a layout check against nothing would look green.
/// </summary>
internal static class SharedVectors
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static JsonObject Load(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Directory.Value, name + ".json")))!;

    private static string Locate()
    {
        var shared = Environment.GetEnvironmentVariable("CELERIAC_SHARED_DIR");
        if (!string.IsNullOrWhiteSpace(shared)) return Path.Combine(shared, "protocol", "vectors");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Celeriac.slnx"))) continue;
            var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "protocol", "vectors"));
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/protocol/vectors not found beside the repository; set CELERIAC_SHARED_DIR.");
    }
}
