using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Celeriac.Interop.Tests.Support;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>
/// Issue 16's scenarios through the dashboard's pages in Debian's Chromium, as a user would: a real Kestrel, Redis,
/// a Python Celery worker and a Celeriac worker (<see cref="DashboardCluster"/>). Pages are found by the
/// <c>data-testid</c>s of the UI contract; every wait is on an element or a state, with a deadline.
/// </summary>
public sealed partial class DashboardBrowserTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    private static readonly Regex Uuid = new("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.Compiled);

    static DashboardBrowserTests() => Assertions.SetDefaultExpectTimeout(20_000);

    /// <summary>
    /// Opens <paramref name="route"/> in a new tab and runs <paramref name="scenario"/> on it; a failure keeps a
    /// screenshot (artifacts/screenshots/failures/) and says what the page, the dashboard and the workers reported.
    /// </summary>
    private async Task InPageAsync(string route, Func<BrowserPage, Task> scenario, DashboardHost? host = null,
        [CallerMemberName] string test = "")
    {
        await using var page = await cluster.OpenAsync(route, host);
        try
        {
            await scenario(page);
        }
        catch (Exception e)
        {
            var shot = Path.Combine(RepositoryPaths.Screenshots, "failures", test + ".png");
            try
            {
                await page.Page.ScreenshotAsync(new() { Path = shot, FullPage = true });
            }
            catch (PlaywrightException)
            {
                shot = "(no screenshot: the page was gone)";
            }
            throw new XunitException($"{e.Message}\nat {page.Page.Url}; screenshot: {shot}\n--- page ---\n{page.Errors}\n{cluster.Describe()}", e);
        }
    }

    /// <summary>
    /// Clicks an action's button, confirms its dialog when one opens, and waits for the toast to show a task id
    /// other than <paramref name="not"/>; returns that id.
    /// </summary>
    private static async Task<string> ActForTaskIdAsync(BrowserPage page, ILocator button, string? not = null)
    {
        var toast = await ActAsync(page, button);
        var text = "";
        await Poll.UntilAsync(async () =>
        {
            text = await toast.InnerTextAsync();
            return Uuid.Matches(text).Any(m => m.Value != not);
        }, TimeSpan.FromSeconds(20), () => $"the toast shows a new task id; it says \"{text}\"");
        return Uuid.Matches(text).First(m => m.Value != not).Value;
    }

    /// <summary>Clicks an action's button, confirms its dialog when one opens, and returns the toast once it is shown.</summary>
    private static async Task<ILocator> ActAsync(BrowserPage page, ILocator button)
    {
        await button.ClickAsync();
        var confirm = page.ById("confirm-ok");
        var toast = page.ById("toast");
        await confirm.Or(toast).First.WaitForAsync();
        if (await confirm.IsVisibleAsync()) await confirm.ClickAsync();
        await toast.WaitForAsync();
        return toast;
    }

    /// <summary>The <c>task-row</c> of <paramref name="id"/> on a task list.</summary>
    private static ILocator TaskRow(BrowserPage page, string id) => page.Page.Locator($"[data-testid='task-row'][data-task-id='{id}']");

    /// <summary>A word of letters and digits only, so any tokenizer keeps it whole.</summary>
    private static string Word(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private Task<string> SendFromPythonAsync(string name, object[] args, string queue, int? countdown = null) =>
        cluster.PythonClient.SendOneAsync(new { name, args, queue, countdown });
}
