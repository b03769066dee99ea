using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Security;

/// <summary>
/// Cross-site protection for actions. A request passes with the session's token in
/// <see cref="HeaderName"/> (ASP.NET Core antiforgery: cookie + header), or when it cannot have come from a
/// browser on another site: no <c>Origin</c>, no cookie, and <c>Sec-Fetch-Site</c> absent, <c>same-origin</c> or
/// <c>none</c> — so curl and Flower scripts keep working, while a page elsewhere that posts to the dashboard
/// (a browser adds Origin and the cookies) is refused.
/// </summary>
internal static class CrossSiteCheck
{
    public const string HeaderName = "X-Celeriac-Csrf";

    /// <summary>Null when the request may act, else why not.</summary>
    public static async Task<string?> RefusalAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers.TryGetValue(HeaderName, out var token) && !string.IsNullOrEmpty(token))
            return await TokenIsValidAsync(context, token.ToString()).ConfigureAwait(false)
                ? null
                : $"the {HeaderName} token is not valid for this session (get a fresh one from api/session)";
        var site = headers["Sec-Fetch-Site"].ToString();
        var browserLike = headers.ContainsKey("Origin") || headers.ContainsKey("Cookie")
            || (site.Length > 0 && site is not ("same-origin" or "none"));
        return browserLike
            ? $"a browser request must carry the {HeaderName} header (from api/session); cross-site requests are refused"
            : null;
    }

    private static async Task<bool> TokenIsValidAsync(HttpContext context, string token)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        // Antiforgery reads the request token from its configured header, which belongs to the app: put ours there.
        var headerName = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.HeaderName;
        if (headerName is null) return false;
        if (!string.Equals(headerName, HeaderName, StringComparison.OrdinalIgnoreCase)) context.Request.Headers[headerName] = token;
        try
        {
            return await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }
}
