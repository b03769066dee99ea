using Celeriac;

namespace Quickstart;

/// <summary>One task to send, and what should come back.</summary>
/// <param name="TaskName">The task's name on the wire.</param>
/// <param name="ExpectedError">The exception type the task should fail with, or null when it should succeed.</param>
/// <param name="SendAndCheck">Sends the task, waits for its result and says whether the value is right.</param>
public sealed record Job(string TaskName, string? ExpectedError, Func<Task<bool>> SendAndCheck);

/// <summary>The mix of tasks the quickstart sends, deliberate failures included.</summary>
public static class Workload
{
    /// <summary>How long a client waits for any one result.</summary>
    public static readonly TimeSpan ResultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Rows the single <c>tasks.import_rows</c> run imports.</summary>
    public const int ImportRows = 1000;

    /// <summary>
    /// <paramref name="count"/> jobs: one long import that reports PROGRESS, one send by name of a
    /// task no worker here knows (NotRegistered), and a mix of the others; about 1 in 30 fails on purpose.
    /// </summary>
    public static List<Job> Plan(CeleriacApp app, QuickstartTasks tasks, int count, Action<int> onImportProgress)
    {
        var jobs = new List<Job>(count)
        {
            new("tasks.import_rows", null, () => ImportAsync(tasks, onImportProgress)),
            new("tasks.only_in_python", "NotRegistered", async () =>
            {
                // By name and untyped, as for a task only a Python worker has: here nobody has it.
                var result = await app.SendTaskAsync("tasks.only_in_python", args: [1, 2]);
                await result.GetAsync(ResultTimeout);
                return false;
            }),
        };
        for (var k = 0; jobs.Count < count; k++)
        {
            var (i, n) = (k, k / 5); // per-iteration copies for the lambdas
            jobs.Add((i % 5) switch
            {
                0 or 1 => new Job("tasks.add", null, async () =>
                    await (await tasks.Add.DelayAsync(i, n)).GetAsync(ResultTimeout) == i + n),
                2 when n % 25 == 12 => new Job("tasks.resize_image", "ValueError", async () =>
                    await (await tasks.ResizeImage.DelayAsync(0, 480)).GetAsync(ResultTimeout) is not null),
                2 => new Job("tasks.resize_image", null, async () =>
                    (await (await tasks.ResizeImage.DelayAsync(320 + n % 5 * 160, 240)).GetAsync(ResultTimeout)).Height == 60),
                3 => new Job("tasks.fetch_report", null, async () =>
                    (await (await tasks.FetchReport.DelayAsync($"R-{n:D4}")).GetAsync(ResultTimeout)).StartsWith("report R-")),
                _ => new Job("tasks.flaky", n % 8 == 3 ? nameof(InvalidOperationException) : null, async () =>
                    await (await tasks.Flaky.DelayAsync(n)).GetAsync(ResultTimeout) == $"request {n} ok"),
            });
        }
        return jobs;
    }

    private static async Task<bool> ImportAsync(QuickstartTasks tasks, Action<int> onProgress)
    {
        var result = await tasks.ImportRows.DelayAsync(ImportRows);
        using var deadline = new CancellationTokenSource(ResultTimeout);
        // Poll the custom PROGRESS state the task stores while it runs.
        while (!(await result.RefreshAsync(deadline.Token)).IsReady)
        {
            if (result.State == "PROGRESS" && result.Info?["current"] is { } current) onProgress(current.GetValue<int>());
            await Task.Delay(20, deadline.Token);
        }
        onProgress(ImportRows);
        return await result.GetAsync(ResultTimeout) == ImportRows;
    }
}
