using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Celeriac.Interop.Tests.Dashboard;

/// <content>History kept across a restart of the dashboard, and the read-only mode.</content>
public sealed partial class DashboardBrowserTests
{
    /// <summary>Every element an action is started from; none is rendered in read-only mode.</summary>
    private const string ActionControls =
        "[data-testid^='action-'], [data-testid^='bulk-'], [data-testid='beat-run-now'], [data-testid='beat-pause'], " +
        "[data-testid='beat-resume'], [data-testid='beat-edit'], [data-testid='queue-purge'], [data-testid^='worker-action'], [data-testid='worker-shutdown']";

    [BrowserFact]
    public async Task HistoryIsStillThereAfterTheDashboardRestarts()
    {
        var earlier = await SendFromPythonAsync("interop.add", [100, 1], DashboardCluster.PythonQueue);
        await cluster.Api.WaitForStateAsync(earlier, ["SUCCESS"], cluster.Describe);

        await cluster.RestartDashboardAsync();

        await InPageAsync("#/tasks", async page =>
        {
            await Expect(TaskRow(page, earlier)).ToHaveAttributeAsync("data-state", "SUCCESS");
            await TaskRow(page, earlier).GetByRole(AriaRole.Link).First.ClickAsync();
            await Expect(page.ById("task-detail")).ToHaveAttributeAsync("data-task-id", earlier);
            await Expect(page.ById("task-field-result")).ToContainTextAsync("101");
            await Expect(page.ById("task-timeline")).ToContainTextAsync("SUCCESS");
        });
    }

    [BrowserFact]
    public async Task ReadOnlyModeHidesAndRefusesActions()
    {
        var id = await SendFromPythonAsync("interop.add", [7, 8], DashboardCluster.CeleriacQueue);
        await cluster.Api.WaitForStateAsync(id, ["SUCCESS"], cluster.Describe);
        await using var readOnly = await cluster.StartReadOnlyDashboardAsync();

        await InPageAsync($"#/tasks/{id}", async page =>
        {
            await Expect(page.ById("read-only-badge")).ToBeVisibleAsync();
            await Expect(page.ById("task-detail")).ToHaveAttributeAsync("data-state", "SUCCESS");
            await Expect(page.Page.Locator(ActionControls)).ToHaveCountAsync(0);
            foreach (var (route, shown) in new[] { ("#/tasks", "task-row"), ("#/workers", "worker-row"), ("#/beat", "beat-row"), ("#/queues", "queue-row") })
            {
                await page.GotoAsync(readOnly.Root + route);
                await Expect(page.ById(shown).First).ToBeVisibleAsync();
                await Expect(page.Page.Locator(ActionControls)).ToHaveCountAsync(0);
            }
        }, readOnly);

        var api = new DashboardApi(readOnly.Root);
        var (status, body) = await api.PostAsync($"api/tasks/{id}/revoke");
        status.Should().Be(HttpStatusCode.Forbidden, body);
        body.Should().Contain("read-only");
        var audit = (await api.GetAsync("api/audit?limit=50"))["entries"]!.AsArray();
        audit.Should().Contain(e => e!["action"]!.GetValue<string>() == "task.revoke" && e["target"]!.ToJsonString().Contains(id)
            && e["outcome"]!.GetValue<string>().StartsWith("refused", StringComparison.Ordinal), $"the refused revoke is audited: {audit.ToJsonString()}");
    }
}
