using System.Net;
using System.Text.Json.Nodes;
using DashboardDemo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Celeriac.Samples.Tests.WebShopTests;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Samples.Tests.DashboardDemoTests;

/// <summary>
/// samples/DashboardDemo as `dotnet run` starts it (memory:// broker, its worker, producer and beat in the
/// process): it serves the dashboard's page and bundle, and the producer's tasks and the worker reach the pages' API.
/// In the WebShop collection: its worker's spans and instruments would otherwise land in the shop's telemetry tests.
/// </summary>
[Collection(WebShopCollection.Name)]
public sealed class DashboardDemoTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("celeriac-demo-");

    [Fact]
    public async Task The_demo_serves_the_dashboard_and_its_tasks_and_worker_show_up()
    {
        await using var demo = new WebApplicationFactory<DemoProgram>()
            .WithWebHostBuilder(b => b
                .UseSetting("Demo:Store", Path.Combine(_dir.FullName, "demo.db"))
                // The test server's requests have no address; the dashboard serves local ones only, as a browser on the machine is.
                .ConfigureServices(s => s.AddSingleton<IStartupFilter, FromLoopback>()));
        var http = demo.CreateClient();

        var page = await http.GetStringAsync("/");
        page.Should().Contain("<base href=\"/\">").And.Contain("assets/app.js?v=");
        using (var script = await http.GetAsync("/assets/app.js"))
        {
            script.StatusCode.Should().Be(HttpStatusCode.OK);
            script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        }
        var session = JsonNode.Parse(await http.GetStringAsync("/api/session"))!;
        session["title"]!.GetValue<string>().Should().Be("Celeriac demo");
        session["read_only"]!.GetValue<bool>().Should().BeFalse();

        // The producer sends at once and the worker sends events: both reach the store within seconds.
        var tasks = await Poll.UntilAsync(async () => JsonNode.Parse(await http.GetStringAsync("/api/tasks/search?limit=50"))!["tasks"]!.AsArray(),
            found => found.Count >= 3, "the producer's tasks in the dashboard's store");
        tasks.Select(t => t!["name"]!.GetValue<string>()).Should().Contain("demo.add");
        var workers = JsonNode.Parse(await http.GetStringAsync("/api/fleet/workers"))!.AsArray();
        workers.Should().Contain(w => w!["online"]!.GetValue<bool>() && w["sw_ident"]!.GetValue<string>() == "celeriac");
        JsonNode.Parse(await http.GetStringAsync("/api/beat"))!.AsArray().Select(b => b!["name"]!.GetValue<string>())
            .Should().BeEquivalentTo("cleanup-sessions", "hourly-report");
    }

    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return following(context);
            });
            next(app);
        };
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { _dir.Delete(recursive: true); } catch (IOException) { /* a file still closing: the temp folder is cleaned later */ }
    }
}
