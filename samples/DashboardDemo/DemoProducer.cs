using System.Text.Json.Nodes;
using Celeriac;
using Celeriac.Canvas;

namespace DashboardDemo;

/// <summary>
/// Sends a steady mix of work so every page has something to show: successes, failures with tracebacks,
/// retries, long arguments, and now and then a chain, a group and a chord (the detail page's graph).
/// </summary>
internal sealed class DemoProducer(CeleriacApp app, ILogger<DemoProducer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random(16);
        for (var round = 0; !stoppingToken.IsCancellationRequested; round++)
        {
            try
            {
                await SendRoundAsync(round, random);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A broker that went away: say so and keep going, the demo is meant to run for hours.
                log.LogWarning(e, "The demo producer could not send round {Round}", round);
            }
            await Task.Delay(TimeSpan.FromSeconds(1.5), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task SendRoundAsync(int round, Random random)
    {
        await app.SendTaskAsync("demo.add", [random.Next(100), random.Next(100)]);
        await app.SendTaskAsync("demo.resize_image", [$"/photos/2026/{round:D5}.jpg", round % 23 == 5 ? 0 : 640 + random.Next(1000)]);
        if (round % 2 == 0) await app.SendTaskAsync("demo.process_order", [OrderId(round), Order(round, random)]);
        if (round % 10 == 1) await app.SendTaskAsync("demo.flaky", [round]);
        if (round % 15 == 2) await app.SendTaskAsync("demo.slow", [8]);
        if (round % 12 == 3)
            await (app.Signature("demo.add", [round, 1]) | app.Signature("demo.double") | app.Signature("demo.notify")).ApplyAsync();
        if (round % 12 == 7)
            await new Group(Enumerable.Range(0, 4).Select(i => app.Signature("demo.resize_image", [$"/thumbs/{round}-{i}.png", 100 * (i + 1)]))).Bind(app).ApplyAsync();
        if (round % 12 == 11)
        {
            var header = Enumerable.Range(1, 3).Select(i => app.Signature("demo.add", [round, i]));
            await new Chord(header, app.Signature("demo.sum")).Bind(app).ApplyAsync();
        }
    }

    private static string OrderId(int round) => $"order-{round:D6}";

    // Long arguments: the list truncates them, the detail page shows them whole.
    private static JsonObject Order(int round, Random random) => new()
    {
        ["customer"] = $"customer-{random.Next(1000)}@example.com",
        ["lines"] = new JsonArray([.. Enumerable.Range(0, 3 + round % 5).Select(i => (JsonNode)new JsonObject
        {
            ["sku"] = $"SKU-{random.Next(100000):D6}",
            ["quantity"] = 1 + random.Next(4),
            ["note"] = "gift wrap, deliver to the back door, ring twice; " + new string('·', 20 + random.Next(60)),
        })]),
        ["shipping"] = new JsonObject { ["street"] = "12 Celeriac Lane", ["city"] = "Rootsville", ["country"] = "NL" },
    };
}
