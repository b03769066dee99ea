using static Microsoft.Playwright.Assertions;

namespace Celeriac.Interop.Tests.Dashboard;

/// <content>A chord's graph on its body's detail page.</content>
public sealed partial class DashboardBrowserTests
{
    [BrowserFact]
    public async Task AChordsGraphShowsItsHeaderAndItsBody()
    {
        var chord = await cluster.ChordAsync();
        await InPageAsync($"#/tasks/{chord.Body}", async page =>
        {
            var graph = page.ById("workflow-graph");
            await Expect(graph).ToBeVisibleAsync();
            foreach (var member in chord.Header)
            {
                var node = graph.Locator($"[data-testid='workflow-node'][data-task-id='{member}']");
                await Expect(node).ToHaveAttributeAsync("data-kind", "header");
                await Expect(node).ToHaveAttributeAsync("data-state", "SUCCESS");
            }
            var body = graph.Locator($"[data-testid='workflow-node'][data-task-id='{chord.Body}']");
            await Expect(body).ToHaveAttributeAsync("data-kind", "body");
            await Expect(body).ToHaveAttributeAsync("data-state", "SUCCESS");
            await Expect(graph.GetByTestId("workflow-node")).ToHaveCountAsync(chord.Header.Count + 1);
            await Expect(page.ById("task-field-result")).ToContainTextAsync("10");

            // A header member's page shows the same workflow.
            await graph.Locator($"[data-testid='workflow-node'][data-task-id='{chord.Header[0]}']").ClickAsync();
            await Expect(page.ById("task-detail")).ToHaveAttributeAsync("data-task-id", chord.Header[0]);
            await Expect(page.ById("workflow-graph").GetByTestId("workflow-node")).ToHaveCountAsync(chord.Header.Count + 1);
        });
    }
}
