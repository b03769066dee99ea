using Microsoft.Playwright;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>
/// One tab in a browser context of its own (a fresh session: cookies, storage), at a given viewport, keeping the
/// page's console errors and uncaught exceptions for failure messages. Closing it closes the context.
/// </summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (_errors) _errors.Add("console: " + message.Text);
        };
        page.PageError += (_, error) =>
        {
            lock (_errors) _errors.Add("page error: " + error);
        };
    }

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions so far.</summary>
    public string Errors
    {
        get
        {
            lock (_errors) return _errors.Count == 0 ? "(no errors in the page)" : string.Join("\n", _errors);
        }
    }

    public static async Task<BrowserPage> OpenAsync(IBrowser browser, int width, int height)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        // A loaded 2-core machine runs five builds beside these tests: generous, but bounded.
        context.SetDefaultTimeout(20_000);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    public Task GotoAsync(string url) => Page.GotoAsync(url);

    /// <summary>The element with <c>data-testid</c> <paramref name="testId"/>.</summary>
    public ILocator ById(string testId) => Page.GetByTestId(testId);

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
