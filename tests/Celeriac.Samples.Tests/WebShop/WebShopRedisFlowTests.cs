using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WebShop.Tasks.Catalog;
using WebShop.Tasks.Orders;

namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>The shop's flows end to end: web app → real Redis → worker host → result backend → web app.</summary>
[Collection(WebShopCollection.Name)]
public sealed class WebShopRedisFlowTests(WebShopCluster cluster)
{
    private ShopClient Shop => cluster.Shop;

    [RedisFact]
    public async Task An_order_is_retried_with_backoff_on_the_flaky_payment_and_reads_SUCCESS()
    {
        var id = await Shop.PlaceOrderAsync(amountCents: 4200);

        // The gateway fails the first two calls (appsettings: FailuresPerOrder = 2): the order is seen
        // in RETRY with the payment error before it succeeds.
        var retrying = await Poll.UntilAsync(() => Shop.StatusAsync($"/orders/{id}"), s => ShopClient.State(s) is "RETRY" or "SUCCESS", "order retrying");
        var done = await Shop.WaitUntilReadyAsync($"/orders/{id}");

        ShopClient.State(done).Should().Be("SUCCESS", done.ToJsonString());
        var paid = ShopClient.Read<PaidOrder>(done["result"]);
        paid.Should().BeEquivalentTo(new { OrderId = id, Email = "ada@example.com", Attempts = 3 });
        paid.PaymentId.Should().EndWith("-4200");
        done["error"].Should().BeNull();
        if (ShopClient.State(retrying) == "RETRY")
            retrying["error"]!["type"]!.GetValue<string>().Should().Be(nameof(PaymentUnavailableException));

        // The worker host ran it, not the web app (which runs no worker on Redis).
        cluster.Worker.Services.GetRequiredService<FlakyPaymentGateway>().CallsFor(id).Should().Be(3);
        cluster.Web.Services.GetRequiredService<FlakyPaymentGateway>().CallsFor(id).Should().Be(0);
    }

    [RedisFact]
    public async Task The_fulfil_chain_runs_reserve_charge_email_in_order_each_step_in_its_own_DI_scope()
    {
        var id = await Shop.PlaceOrderAsync();
        (await Shop.WaitUntilReadyAsync($"/orders/{id}")).Should().Match<JsonObject>(s => ShopClient.State(s) == "SUCCESS");

        var fulfil = await Shop.PostAcceptedAsync($"/orders/{id}/fulfil");
        var steps = fulfil["steps"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        steps.Should().HaveCount(3).And.EndWith(fulfil["id"]!.GetValue<string>());

        var receipt = await Shop.WaitUntilReadyAsync($"/tasks/{steps[2]}");
        ShopClient.State(receipt).Should().Be("SUCCESS", receipt.ToJsonString());
        var charge = ShopClient.Read<Charge>((await Shop.StatusAsync($"/tasks/{steps[1]}"))["result"]);
        var sent = ShopClient.Read<Receipt>(receipt["result"]);
        // email got charge's result (the chain passes it on), and the ledger saw the steps in order.
        sent.ChargeId.Should().Be(charge.ChargeId);
        sent.SentTo.Should().Be("ada@example.com");
        sent.Steps.Should().Equal("paid", "reserved", "charged", "emailed");

        // Every run's scoped unit of work was disposed when the run ended.
        var ledger = cluster.Worker.Services.GetRequiredService<OrderLedger>();
        await Poll.UntilAsync(() => (ledger.UnitsOpened, ledger.UnitsDisposed), u => u.UnitsOpened == u.UnitsDisposed, "units of work disposed");
        ledger.UnitsOpened.Should().BeGreaterThanOrEqualTo(4);
    }

    [RedisFact]
    public async Task A_paid_order_only_is_fulfilled()
    {
        using var response = await Shop.Http.PostAsync("/orders/no-such-order/fulfil", null);
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>().Should().Be("PENDING");
    }

    [RedisFact]
    public async Task The_import_chord_sums_its_items()
    {
        var items = Enumerable.Range(1, 12).Select(i => new CatalogItem($"sku-{i}", i)).ToList();
        var started = await Shop.PostAcceptedAsync("/imports", items);

        var done = await Shop.WaitUntilReadyAsync($"/imports/{started["id"]}");

        ShopClient.State(done).Should().Be("SUCCESS", done.ToJsonString());
        ShopClient.Read<ImportSummary>(done["result"]).Should().Be(new ImportSummary(12, 78));
    }

    [RedisFact]
    public async Task Bad_requests_get_400()
    {
        using var order = await Shop.Http.PostAsJsonAsync("/orders", new { sku = "", quantity = 0, amountCents = 1, email = "x" });
        order.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var import = await Shop.Http.PostAsJsonAsync("/imports", Array.Empty<CatalogItem>());
        import.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [RedisFact]
    public async Task Both_hosts_are_live_and_ready_with_the_celeriac_checks()
    {
        using var worker = cluster.Worker.CreateClient();
        foreach (var (client, name) in new[] { (Shop.Http, "web"), (worker, "worker") })
        {
            foreach (var path in new[] { "/healthz/live", "/healthz/ready" })
            {
                using var response = await client.GetAsync(path);
                response.StatusCode.Should().Be(HttpStatusCode.OK, $"{name} {path}: {await response.Content.ReadAsStringAsync()}");
                (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
            }
        }
        // Not vacuous: the probes evaluate Celeriac's checks (the worker's only where a worker runs).
        var ready = await cluster.Worker.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));
        ready.Entries.Keys.Should().BeEquivalentTo("celeriac-broker", "celeriac-backend", "celeriac-worker");
        var live = await cluster.Web.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("live"));
        live.Entries.Should().BeEmpty("the web app runs no worker on Redis");
    }
}
