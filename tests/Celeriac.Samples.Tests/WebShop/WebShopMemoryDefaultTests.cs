using Microsoft.AspNetCore.Mvc.Testing;
using WebShop.Tasks.Orders;

namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>The default configuration: memory:// broker and backend, and the web app runs the worker itself.</summary>
[Collection(WebShopCollection.Name)]
public sealed class WebShopMemoryDefaultTests
{
    [Fact]
    public async Task The_web_app_alone_processes_an_order_on_the_in_memory_broker()
    {
        await using var web = new WebApplicationFactory<Program>();
        var shop = new ShopClient(web.CreateClient());

        var id = await shop.PlaceOrderAsync();
        var done = await shop.WaitUntilReadyAsync($"/orders/{id}");

        ShopClient.State(done).Should().Be("SUCCESS", done.ToJsonString());
        ShopClient.Read<PaidOrder>(done["result"]).Attempts.Should().Be(3);
        using var live = await shop.Http.GetAsync("/healthz/live");
        live.IsSuccessStatusCode.Should().BeTrue("the in-process worker is consuming");
    }
}
