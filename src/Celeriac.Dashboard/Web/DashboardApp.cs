using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Web;

/// <summary>The Celeriac app the dashboard acts through (<c>services.AddCeleriac</c>), when the host registered one.</summary>
internal static class DashboardApp
{
    public const string Missing = "no Celeriac app is registered (services.AddCeleriac(…)): the dashboard can show history but not act";

    public static CeleriacApp? Of(HttpContext context) => context.RequestServices.GetService<CeleriacApp>();

    /// <summary>True when the app has a result backend to read results from.</summary>
    public static bool HasBackend(CeleriacApp app) =>
        !string.IsNullOrWhiteSpace(app.Options.ResultBackend) && !app.Options.ResultBackend.Equals("disabled", StringComparison.OrdinalIgnoreCase);

    /// <summary>The URL with its password hidden (kombu's <c>as_uri(mask=…)</c>).</summary>
    public static string MaskPassword(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme) return url;
        var colon = url.IndexOf(':', scheme + 3);
        return colon < 0 || colon > at ? url : url[..(colon + 1)] + "**" + url[at..];
    }
}
