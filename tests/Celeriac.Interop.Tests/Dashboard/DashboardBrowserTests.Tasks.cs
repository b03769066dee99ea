using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Celeriac.Interop.Tests.Dashboard;

/// <content>The workers page, a task sent from Python and its detail, and search by a word in the args.</content>
public sealed partial class DashboardBrowserTests
{
    [BrowserFact]
    public Task BothWorkersAppearOnlineWithTheirSoftware() => InPageAsync("#/workers", async page =>
    {
        var python = page.Page.Locator($"[data-testid='worker-row'][data-hostname^='{cluster.PythonNodePrefix}']");
        var celeriac = page.Page.Locator($"[data-testid='worker-row'][data-hostname='{cluster.CeleriacNode}']");
        await Expect(python).ToHaveAttributeAsync("data-online", "true");
        await Expect(celeriac).ToHaveAttributeAsync("data-online", "true");
        // sw_ident from the heartbeats: Python Celery says py-celery, Celeriac says celeriac.
        await Expect(python.GetByTestId("worker-sw")).ToContainTextAsync("py-celery");
        await Expect(celeriac.GetByTestId("worker-sw")).ToContainTextAsync("celeriac");
    });

    [BrowserFact]
    public Task ATaskSentFromPythonShowsUpLiveAndItsDetailIsRight() => InPageAsync("#/tasks", async page =>
    {
        // The list is open before the task exists: it must appear without a reload (live updates).
        await Expect(page.ById("task-search")).ToBeVisibleAsync();
        var id = await SendFromPythonAsync("interop.add", [19, 23], DashboardCluster.PythonQueue);
        var row = TaskRow(page, id);
        await Expect(row).ToHaveAttributeAsync("data-state", "SUCCESS");

        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        var detail = page.ById("task-detail");
        await Expect(detail).ToHaveAttributeAsync("data-task-id", id);
        await Expect(detail).ToHaveAttributeAsync("data-state", "SUCCESS");
        await Expect(page.ById("task-field-name")).ToContainTextAsync("interop.add");
        await Expect(page.ById("task-field-args")).ToContainTextAsync(new Regex(@"19,\s*23"));
        await Expect(page.ById("task-field-result")).ToContainTextAsync("42");
        await Expect(page.ById("task-field-worker")).ToContainTextAsync(cluster.PythonNodePrefix);
        await Expect(page.ById("task-field-state")).ToContainTextAsync("SUCCESS");
        await Expect(page.ById("task-timeline")).ToContainTextAsync("STARTED");
    });

    [BrowserFact]
    public async Task SearchFindsATaskByAWordInItsArgs()
    {
        var word = Word("needle");
        var wanted = await SendFromPythonAsync("interop.echo", [word, "hay"], DashboardCluster.CeleriacQueue);
        var other = await SendFromPythonAsync("interop.echo", [Word("straw"), "hay"], DashboardCluster.CeleriacQueue);
        await cluster.Api.WaitForStateAsync(wanted, ["SUCCESS"], cluster.Describe);
        await cluster.Api.WaitForStateAsync(other, ["SUCCESS"], cluster.Describe);

        await InPageAsync("#/tasks", async page =>
        {
            await page.ById("task-search").FillAsync(word);
            await page.ById("task-search").PressAsync("Enter");
            await Expect(TaskRow(page, wanted)).ToBeVisibleAsync();
            await Expect(page.ById("task-row")).ToHaveCountAsync(1);
            // The search is in the address, so the result can be shared and survives a reload.
            await page.Page.ReloadAsync();
            await Expect(TaskRow(page, wanted)).ToBeVisibleAsync();
            await Expect(page.ById("task-row")).ToHaveCountAsync(1);
        });
    }
}
