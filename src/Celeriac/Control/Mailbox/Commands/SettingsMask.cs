using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// Celery's <c>filter_hidden_settings</c>: a setting whose name says it is secret
/// (<c>API|TOKEN|KEY|SECRET|PASS|PROFANITIES_LIST|SIGNATURE|DATABASE</c>) shows as
/// <c>********</c>; a broker URL or a backend URL keeps everything but its password.
/// </summary>
internal static partial class SettingsMask
{
    public const string Mask = "********";

    [GeneratedRegex("API|TOKEN|KEY|SECRET|PASS|PROFANITIES_LIST|SIGNATURE|DATABASE", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Hidden();

    /// <summary>A setting's value as <c>conf</c> may show it; objects are filtered key by key.</summary>
    public static JsonNode? Value(string key, JsonNode? value)
    {
        if (value is JsonObject o)
        {
            var filtered = new JsonObject();
            foreach (var (k, v) in o) filtered[k] = Value(k, v?.DeepClone());
            return filtered;
        }
        if (Hidden().IsMatch(key)) return Mask;
        if (value is JsonValue s && s.TryGetValue<string>(out var text)
            && (key.Contains("broker_url", StringComparison.OrdinalIgnoreCase) || key.Contains("backend", StringComparison.OrdinalIgnoreCase)))
            return Url(text);
        return value;
    }

    /// <summary>A string setting (as <see cref="Value(string, JsonNode?)"/>).</summary>
    public static JsonNode? Value(string key, string? value) => Value(key, value is null ? null : JsonValue.Create(value));

    /// <summary>The URL with its password replaced by <paramref name="mask"/> (kombu's <c>as_uri(mask=...)</c>; its default is <c>**</c>); anything else unchanged.</summary>
    public static string Url(string url, string mask = Mask)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        var start = scheme + 3;
        var at = url.IndexOf('@', start);
        var slash = url.IndexOf('/', start);
        if (at < 0 || (slash >= 0 && slash < at)) return url;
        var colon = url.IndexOf(':', start);
        if (colon < 0 || colon > at) return url; // a user without a password
        return url[..(colon + 1)] + mask + url[at..];
    }
}
