using Microsoft.Playwright;

namespace Celeriac.Interop.Tests.Dashboard;

/// <content>Screenshots of every page on a desktop and on a phone, kept under artifacts/screenshots/.</content>
public sealed partial class DashboardBrowserTests
{
    [BrowserFact]
    public async Task ScreenshotsOfEveryPageOnADesktopAndAPhone()
    {
        var chord = await cluster.ChordAsync();
        // Something for the audit page: revoking a finished task changes nothing but is an audited action.
        await cluster.Api.PostAsync($"api/tasks/{chord.Body}/revoke");
        var pages = new (string Name, string Route, string Shown)[]
        {
            ("overview", "#/", "overview-charts"),
            ("workers", "#/workers", "worker-row"),
            ("tasks", "#/tasks", "task-row"),
            ("task-detail", $"#/tasks/{chord.Body}", "workflow-node"),
            ("queues", "#/queues", "queue-row"),
            ("beat", "#/beat", "beat-row"),
            ("audit", "#/audit", "audit-row"),
        };
        var overflowing = new List<string>();
        foreach (var (device, width, height) in new[] { ("desktop", 1280, 900), ("phone", 390, 844) })
        {
            await using var page = await cluster.OpenAsync("#/", width: width, height: height);
            foreach (var (name, route, shown) in pages)
            {
                await page.GotoAsync(cluster.Dashboard.Root + route);
                try
                {
                    await page.ById(shown).First.WaitForAsync();
                }
                catch (PlaywrightException e)
                {
                    throw new InvalidOperationException($"the {name} page showed no {shown} ({device}):\n{page.Errors}\n{cluster.Describe()}", e);
                }
                await page.Page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryPaths.Screenshots, $"{device}-{name}.png"), FullPage = true });
                // Usable on a phone: nothing wider than the screen, no sideways scrolling of the whole page.
                var scrollWidth = await page.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                if (scrollWidth > width + 1) overflowing.Add($"{device} {name}: {scrollWidth} px wide in a {width} px viewport");
            }
        }
        overflowing.Should().BeEmpty("every page fits the viewport's width (screenshots in {0})", RepositoryPaths.Screenshots);
    }
}
