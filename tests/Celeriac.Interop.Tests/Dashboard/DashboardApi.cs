using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>
/// The dashboard's JSON API as a script sees it (no Origin, no cookie: a non-browser client), for what a test
/// waits on before it looks at a page, and for the requests a page would not make (a POST to a read-only one).
/// </summary>
internal sealed class DashboardApi(string root)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>The detail (<c>GET api/tasks/{id}</c>): null while the dashboard does not know the task.</summary>
    public async Task<JsonObject?> TaskAsync(string id)
    {
        using var response = await Http.GetAsync(root + "api/tasks/" + Uri.EscapeDataString(id));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET api/tasks/{id}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Waits until the dashboard has the task in one of <paramref name="states"/>; returns its detail.</summary>
    public async Task<JsonObject> WaitForStateAsync(string id, IReadOnlyCollection<string> states, Func<string> context, TimeSpan? within = null)
    {
        JsonObject? detail = null;
        await Poll.UntilAsync(async () =>
            {
                detail = await TaskAsync(id);
                return detail?["task"]?["state"]?.GetValue<string>() is { } state && states.Contains(state);
            }, within ?? TimeSpan.FromSeconds(30),
            () => $"the dashboard has task {id} in {string.Join("|", states)}; it has {detail?.ToJsonString() ?? "nothing"}\n{context()}");
        return detail!;
    }

    /// <summary>A POST with a JSON body, as curl would send it; the status and the body's text.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, string json = "{}")
    {
        using var response = await Http.PostAsync(root + path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A GET of a JSON document.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        using var response = await Http.GetAsync(root + path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
