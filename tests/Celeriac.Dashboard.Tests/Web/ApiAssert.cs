using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>Reading the API's answers in tests: the status and the JSON, with the body in the failure message.</summary>
internal static class ApiAssert
{
    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>An error answer: the status, <c>{"error": …}</c> containing <paramref name="words"/>, and no stack trace.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string words)
    {
        var json = await JsonAsync(response, status);
        var error = json["error"]!.GetValue<string>();
        Assert.Contains(words, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        return error;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object? body) =>
        client.PostAsync(path, body is null ? null : JsonContent.Create(body));

    public static HttpRequestMessage Request(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
