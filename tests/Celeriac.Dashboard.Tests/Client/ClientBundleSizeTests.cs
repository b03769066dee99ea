using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Celeriac.Dashboard.Tests.Client;

/// <summary>
/// The front end as the assembly embeds it (what a package user gets): no page may load more than 200 KB of
/// script (issue 16). app.js is every page but the overview; the overview adds its own chunk (the charts).
/// Prints each file's size raw and gzipped, and each page's total.
/// </summary>
public sealed partial class ClientBundleSizeTests(ITestOutputHelper output)
{
    private const int PageBudget = 200 * 1024;
    private static readonly Assembly Dashboard = typeof(DashboardOptions).Assembly;

    [Fact]
    public void No_page_loads_more_than_200_KB_of_script()
    {
        var scripts = Scripts();
        scripts.Should().ContainKey("app.js", "the build embeds the bundle the page loads");
        foreach (var (name, bytes) in scripts.OrderBy(s => s.Key, StringComparer.Ordinal))
            output.WriteLine($"{name,-32} {bytes.Length,8:N0} B raw {Gzip(bytes),8:N0} B gzip");

        foreach (var page in new[] { "overview", "other pages" })
        {
            // What the page loads: app.js, everything app.js imports statically, and for the overview its lazy chunk too.
            var loaded = Loaded(scripts, lazyToo: page == "overview");
            var raw = loaded.Sum(n => scripts[n].Length);
            var gzip = loaded.Sum(n => Gzip(scripts[n]));
            output.WriteLine($"page {page}: {string.Join(" + ", loaded)} = {raw:N0} B raw, {gzip:N0} B gzip");
            raw.Should().BeLessThanOrEqualTo(PageBudget, $"the {page} page's script must stay within ~200 KB");
        }
    }

    [Fact]
    public void Every_chunk_app_js_imports_is_embedded_and_the_page_points_at_app_js()
    {
        var scripts = Scripts();
        foreach (var (name, bytes) in scripts)
        foreach (var import in Imports(bytes))
            scripts.Should().ContainKey(import, $"{name} imports it");
        using var page = Dashboard.GetManifestResourceStream("wwwroot/index.html")!;
        new StreamReader(page).ReadToEnd().Should().Contain("assets/app.js").And.Contain("%BASE%");
    }

    private static Dictionary<string, byte[]> Scripts() => Dashboard.GetManifestResourceNames()
        .Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal) && n.EndsWith(".js", StringComparison.Ordinal))
        .ToDictionary(n => n["wwwroot/".Length..], Read, StringComparer.Ordinal);

    private static List<string> Loaded(Dictionary<string, byte[]> scripts, bool lazyToo)
    {
        var loaded = new List<string>();
        var next = new Queue<string>(["app.js"]);
        while (next.TryDequeue(out var name))
        {
            if (loaded.Contains(name) || !scripts.TryGetValue(name, out var bytes)) continue;
            loaded.Add(name);
            foreach (var import in Imports(bytes, lazyToo)) next.Enqueue(import);
        }
        return loaded;
    }

    // esbuild's ESM output: static `from"./x.js"` / `import"./x.js"`, lazy `import("./x.js")`.
    private static IEnumerable<string> Imports(byte[] script, bool lazyToo = true)
    {
        var text = Encoding.UTF8.GetString(script);
        foreach (Match m in StaticImport().Matches(text)) yield return m.Groups[1].Value;
        if (!lazyToo) yield break;
        foreach (Match m in LazyImport().Matches(text)) yield return m.Groups[1].Value;
    }

    [GeneratedRegex("""(?:from|import)\s*["']\./([\w.-]+\.js)["']""")]
    private static partial Regex StaticImport();

    [GeneratedRegex("""import\(\s*["']\./([\w.-]+\.js)["']\s*\)""")]
    private static partial Regex LazyImport();

    private static byte[] Read(string resource)
    {
        using var stream = Dashboard.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static int Gzip(byte[] bytes)
    {
        using var sink = new MemoryStream();
        using (var gzip = new GZipStream(sink, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return (int)sink.Length;
    }
}
