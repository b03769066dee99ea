using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>The shop's HTTP API as a test calls it.</summary>
public sealed class ShopClient(HttpClient http)
{
    /// <summary>The underlying client.</summary>
    public HttpClient Http => http;

    /// <summary>POST /orders: checks the 202 and Location, returns the order id.</summary>
    public async Task<string> PlaceOrderAsync(string sku = "tea", int quantity = 2, long amountCents = 1299, string email = "ada@example.com")
    {
        using var response = await http.PostAsJsonAsync("/orders", new { sku, quantity, amountCents, email });
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        response.Headers.Location!.ToString().Should().Be($"/orders/{id}");
        return id;
    }

    /// <summary>GET <paramref name="path"/>: a task status (id, state, result, error).</summary>
    public async Task<JsonObject> StatusAsync(string path)
    {
        using var response = await http.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Polls GET <paramref name="path"/> until the task is SUCCESS or FAILURE; returns the last status.</summary>
    public Task<JsonObject> WaitUntilReadyAsync(string path) =>
        Poll.UntilAsync(() => StatusAsync(path), s => State(s) is "SUCCESS" or "FAILURE", $"GET {path}");

    /// <summary>The status's state.</summary>
    public static string State(JsonObject status) => status["state"]!.GetValue<string>();

    /// <summary>POST a JSON body, expecting 202; returns the response body.</summary>
    public async Task<JsonObject> PostAcceptedAsync(string path, object? body = null)
    {
        using var response = await http.PostAsync(path, JsonContent.Create(body ?? new { }));
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>A JSON result as <typeparamref name="T"/> (snake_case, as Celery stores it).</summary>
    public static T Read<T>(JsonNode? node) => node.Deserialize<T>(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
}
