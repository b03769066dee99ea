using System.Text.Json.Nodes;
using Celeriac.Beat;
using Celeriac.Interop.Tests.Support;
using Microsoft.Playwright;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>
/// Everything the dashboard's browser tests look at, started once for the class: a redis-server, a Python Celery
/// worker (<c>-E</c>) on <see cref="PythonQueue"/>, a Celeriac InteropWorker (<c>--events</c>) on
/// <see cref="CeleriacQueue"/>, the dashboard in a real Kestrel with its history in a SQLite file of a temp
/// directory (<see cref="Dashboard"/>, restartable on the same file), and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DashboardCluster : InteropCluster
{
    public const string PythonQueue = "dash.py";
    public const string CeleriacQueue = "dash.cx";

    /// <summary>A beat entry set through the broker's shared schedule (run-time API), due hourly, so only "run now" runs it.</summary>
    public const string BeatEntryName = "dash-record";

    /// <summary>The Redis list (records db) each run of <see cref="BeatEntryName"/> appends to.</summary>
    public const string BeatRecordKey = "dash:beat";

    private readonly SemaphoreSlim _chordLock = new(1, 1);
    private string? _dataDirectory;
    private DashboardHost? _dashboard;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ChordIds? _chord;

    internal ManagedProcess PythonWorker { get; private set; } = null!;

    internal ManagedProcess CeleriacWorker { get; private set; } = null!;

    /// <summary>The start of the Python worker's node name (<c>py-xxxxxxx@</c>; the host name follows).</summary>
    internal string PythonNodePrefix => PythonWorker.Name["python worker ".Length..] + "@";

    /// <summary>The Celeriac worker's node name.</summary>
    internal string CeleriacNode => ControlWorkers.NodeOf(CeleriacWorker);

    /// <summary>The dashboard now running (a new one after <see cref="RestartDashboardAsync"/>).</summary>
    internal DashboardHost Dashboard => _dashboard ?? throw new InvalidOperationException("the dashboard was not started");

    /// <summary>The SQLite file the dashboard keeps its history in.</summary>
    internal string SqlitePath => Path.Combine(_dataDirectory!, "dashboard.db");

    internal IBrowser Browser => _browser!;

    internal DashboardApi Api => new(Dashboard.Root);

    public override async Task InitializeAsync()
    {
        if (Chromium.SkipReason() is not null) return;
        Chromium.Require();
        await base.InitializeAsync();
        _dataDirectory = Directory.CreateTempSubdirectory("celeriac-dashboard-").FullName;
        // The dashboard first, so it ingests the workers' online events; the rest side by side.
        var dashboard = DashboardHost.StartAsync(Endpoints.BrokerUrl, Endpoints.BackendUrl, SqlitePath);
        var python = Support.PythonWorker.StartAsync(Endpoints, [PythonQueue], events: true);
        var celeriac = CeleriacWorkerProcess.StartAsync(Endpoints, [CeleriacQueue], "--events", "--concurrency", "2");
        var browser = LaunchBrowserAsync();
        var beat = Client.Beat.SetAsync(new BeatEntry
        {
            Name = BeatEntryName,
            Schedule = BeatSchedule.Every(TimeSpan.FromHours(1)),
            Task = "interop.record",
            Args = [BeatRecordKey, "beat"],
            Options = new TaskSendOptions { Queue = CeleriacQueue },
        });
        try
        {
            await Task.WhenAll(dashboard, python, celeriac, browser, beat);
        }
        finally
        {
            // Keep what started so DisposeAsync stops it even when another part failed.
            if (dashboard.IsCompletedSuccessfully) _dashboard = dashboard.Result;
            if (python.IsCompletedSuccessfully) PythonWorker = python.Result;
            if (celeriac.IsCompletedSuccessfully) CeleriacWorker = celeriac.Result;
        }
    }

    /// <summary>Stops the dashboard and starts a new one on the same SQLite file (a new port: the old page is gone).</summary>
    internal async Task RestartDashboardAsync()
    {
        var old = _dashboard;
        _dashboard = null;
        if (old is not null) await old.DisposeAsync();
        _dashboard = await DashboardHost.StartAsync(Endpoints.BrokerUrl, Endpoints.BackendUrl, SqlitePath);
    }

    /// <summary>A second dashboard on the same SQLite file in read-only mode (ingesting nothing); the caller disposes it.</summary>
    internal Task<DashboardHost> StartReadOnlyDashboardAsync() =>
        DashboardHost.StartAsync(Endpoints.BrokerUrl, Endpoints.BackendUrl, SqlitePath, readOnly: true);

    /// <summary>A new browser tab of its own (cookies, storage) at <paramref name="route"/> of <paramref name="host"/> (default: <see cref="Dashboard"/>).</summary>
    internal async Task<BrowserPage> OpenAsync(string route, DashboardHost? host = null, int width = 1280, int height = 900)
    {
        var page = await BrowserPage.OpenAsync(Browser, width, height);
        await page.GotoAsync((host ?? Dashboard).Root + route);
        return page;
    }

    /// <summary>
    /// A chord sent from Python once for the class and awaited until the dashboard has its body's success: two
    /// <c>interop.add</c> in the header (one per worker) and <c>interop.xsum</c> as the body, on the Celeriac worker.
    /// </summary>
    internal async Task<ChordIds> ChordAsync()
    {
        await _chordLock.WaitAsync();
        try
        {
            if (_chord is not null) return _chord;
            var sent = await PythonClient.CanvasAsync(new
            {
                chord = new object[]
                {
                    new { name = "interop.add", args = new[] { 1, 2 }, queue = PythonQueue },
                    new { name = "interop.add", args = new[] { 3, 4 }, queue = CeleriacQueue },
                },
                body = new { name = "interop.xsum", queue = CeleriacQueue },
            });
            var ids = sent["ids"]!.AsObject();
            var chord = new ChordIds(sent["id"]!.GetValue<string>(), ids["header"]!.AsArray().Select(i => i!.GetValue<string>()).ToList());
            await Api.WaitForStateAsync(chord.Body, ["SUCCESS"], Describe);
            foreach (var member in chord.Header) await Api.WaitForStateAsync(member, ["SUCCESS"], Describe);
            return _chord = chord;
        }
        finally
        {
            _chordLock.Release();
        }
    }

    /// <summary>What the processes and the dashboard said, for a failure message.</summary>
    internal string Describe() =>
        string.Join("\n", new[]
        {
            _dashboard is null ? "(no dashboard running)" : "--- dashboard log (warnings and errors) ---\n" + _dashboard.Log,
            PythonWorker?.Describe() ?? "",
            CeleriacWorker?.Describe() ?? "",
        });

    public override async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_dashboard is not null) await _dashboard.DisposeAsync();
        if (PythonWorker is not null) await PythonWorker.DisposeAsync();
        if (CeleriacWorker is not null) await CeleriacWorker.DisposeAsync();
        await base.DisposeAsync();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        _chordLock.Dispose();
    }

    private async Task LaunchBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true });
    }
}
