using static Microsoft.Playwright.Assertions;

namespace Celeriac.Interop.Tests.Dashboard;

/// <content>The task actions and the beat page's run now, each checked by what the workers then did.</content>
public sealed partial class DashboardBrowserTests
{
    [BrowserFact]
    public async Task RetryOfAFailedTaskRunsItAgain()
    {
        // py.flaky fails its first run for a key and succeeds the next: the retry's success is the new run.
        var key = Word("flaky");
        var failed = await SendFromPythonAsync("py.flaky", [key], DashboardCluster.PythonQueue);
        await cluster.Api.WaitForStateAsync(failed, ["FAILURE"], cluster.Describe);

        await InPageAsync($"#/tasks/{failed}", async page =>
        {
            await Expect(page.ById("task-detail")).ToHaveAttributeAsync("data-state", "FAILURE");
            await Expect(page.ById("task-traceback")).ToContainTextAsync("first run of " + key);
            var retried = await ActForTaskIdAsync(page, page.ById("action-retry"), not: failed);

            await page.GotoAsync(cluster.Dashboard.Root + "#/tasks/" + retried);
            var detail = page.ById("task-detail");
            await Expect(detail).ToHaveAttributeAsync("data-task-id", retried);
            await Expect(detail).ToHaveAttributeAsync("data-state", "SUCCESS");
            await Expect(page.ById("task-field-name")).ToContainTextAsync("py.flaky");
            await Expect(page.ById("task-field-args")).ToContainTextAsync(key);
            (await cluster.Records.IntegerAsync("LLEN", key)).Should().Be(2, "the retry ran the task a second time, once");
        });
    }

    [BrowserFact]
    public async Task RevokeOfAWaitingTaskShowsRevokedAndTheWorkerDoesNotRunIt()
    {
        // Held by the Celeriac worker until its countdown: time to revoke it through the page first.
        var key = Word("revoked");
        var waiting = await SendFromPythonAsync("interop.record", [key, "ran"], DashboardCluster.CeleriacQueue, countdown: 15);
        await cluster.Api.WaitForStateAsync(waiting, ["RECEIVED"], cluster.Describe);

        await InPageAsync($"#/tasks/{waiting}", async page =>
        {
            await Expect(page.ById("task-detail")).ToHaveAttributeAsync("data-state", "RECEIVED");
            await ActAsync(page, page.ById("action-revoke"));
            // The worker reports the revoke when the task falls due at the latest; the page follows without a reload.
            await Expect(page.ById("task-detail")).ToHaveAttributeAsync("data-state", "REVOKED", new() { Timeout = 40_000 });
        });
        var detail = await cluster.Api.WaitForStateAsync(waiting, ["REVOKED"], cluster.Describe);
        detail["timeline"]!.AsArray().Select(e => e!["state"]?.GetValue<string>()).Should().NotContain("STARTED", "a revoked task is not run");
        (await cluster.Records.IntegerAsync("LLEN", key)).Should().Be(0, "the worker did not run the revoked task");
    }

    [BrowserFact]
    public async Task BeatRunNowPublishesARunTheWorkerRuns()
    {
        var before = await cluster.Records.IntegerAsync("LLEN", DashboardCluster.BeatRecordKey);
        await InPageAsync("#/beat", async page =>
        {
            var row = page.Page.Locator($"[data-testid='beat-row'][data-name='{DashboardCluster.BeatEntryName}']");
            await Expect(row).ToBeVisibleAsync();
            var sent = await ActForTaskIdAsync(page, row.GetByTestId("beat-run-now"));

            await cluster.Api.WaitForStateAsync(sent, ["SUCCESS"], cluster.Describe);
            (await cluster.Records.IntegerAsync("LLEN", DashboardCluster.BeatRecordKey)).Should().Be(before + 1, "run now published one run, which the worker ran");
            await page.GotoAsync(cluster.Dashboard.Root + "#/tasks");
            await Expect(TaskRow(page, sent)).ToHaveAttributeAsync("data-state", "SUCCESS");
        });
    }
}
