using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Celeriac.Dashboard.Web;

/// <summary>
/// Serves the front end embedded in this assembly (built from client/ into wwwroot/ by the build): the page
/// at <c>{prefix}/</c>, with its base set to where the dashboard is mounted, and its files at
/// <c>{prefix}/assets/…</c>. Embedded rather than static web assets so a package reference or the standalone
/// tool serves it with nothing on disk.
/// </summary>
internal static class ClientAssets
{
    private static readonly Assembly Assembly = typeof(ClientAssets).Assembly;
    private static readonly ConcurrentDictionary<string, byte[]?> Files = new(StringComparer.Ordinal);
    // The build is the version: a new assembly has a new module id, so an old cached file is never served with a new page.
    private static readonly string Version = Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/", ServePage).ExcludeFromDescription();
        group.MapGet("/assets/{*file}", ServeAsset).ExcludeFromDescription();
    }

    private static IResult ServePage(HttpContext context)
    {
        var request = context.Request;
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        // The page's links are relative to its base, so it must be served from the path with the slash.
        if (!path.EndsWith('/')) return Results.Redirect(path + "/" + request.QueryString);
        var page = Read("index.html") ?? throw new InvalidOperationException("The dashboard's front end was not built into this assembly (wwwroot/index.html is missing).");
        var html = Encoding.UTF8.GetString(page).Replace("%BASE%", System.Net.WebUtility.HtmlEncode(path), StringComparison.Ordinal)
            .Replace("assets/app.js", "assets/app.js?v=" + Version, StringComparison.Ordinal)
            .Replace("assets/app.css", "assets/app.css?v=" + Version, StringComparison.Ordinal);
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static IResult ServeAsset(HttpContext context, string file)
    {
        if (file.Contains("..", StringComparison.Ordinal) || Read(file) is not { } bytes) return Results.NotFound();
        var etag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue("\"" + Version + "\"");
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.File(bytes, ContentType(file), entityTag: etag);
    }

    private static byte[]? Read(string file) => Files.GetOrAdd(file, static name =>
    {
        using var stream = Assembly.GetManifestResourceStream("wwwroot/" + name);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json",
        ".html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };
}
