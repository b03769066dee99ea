using System.Text.Json.Nodes;
using Celeriac.Tests.Support;
using Celeriac.Worker;

namespace Celeriac.Tests.Control;

/// <summary>An in-memory app with a started worker and a mailbox client: what every control test starts from.</summary>
internal sealed class ControlTestBed : IAsyncDisposable
{
    private ControlTestBed(TestHarness harness, CeleriacWorker worker, SignalRecorder signals, MailboxClient client)
    {
        Harness = harness;
        Worker = worker;
        Signals = signals;
        Client = client;
    }

    public TestHarness Harness { get; }

    public CeleriacWorker Worker { get; }

    public SignalRecorder Signals { get; }

    public MailboxClient Client { get; }

    public string Node => Worker.Hostname;

    /// <summary>What the app logged (the mailbox logs what it drops and why).</summary>
    public CapturedLogs Logs { get; private init; } = null!;

    public static async Task<ControlTestBed> StartAsync(Action<CeleriacApp>? register = null, Action<WorkerOptions>? configure = null,
        Action<CeleriacOptions>? options = null, Action<CeleriacWorker>? beforeStart = null)
    {
        var logs = new CapturedLogs();
        var harness = TestHarness.Create(o =>
        {
            o.LoggerFactory = logs;
            options?.Invoke(o);
        });
        register?.Invoke(harness.App);
        var worker = harness.App.CreateWorker(w =>
        {
            w.Concurrency = 2;
            w.Hostname = "celeriac@testhost";
            w.ShutdownTimeout = TimeSpan.FromSeconds(2);
            w.CancelGracePeriod = TimeSpan.FromSeconds(1);
            configure?.Invoke(w);
        });
        beforeStart?.Invoke(worker);
        var signals = new SignalRecorder(worker);
        var client = await MailboxClient.OpenAsync(harness.App);
        await worker.StartAsync();
        await signals.WaitForAsync(WorkerSignalKind.Ready);
        return new ControlTestBed(harness, worker, signals, client) { Logs = logs };
    }

    /// <summary>The node's reply value to one request.</summary>
    public async Task<JsonNode?> AskAsync(string method, JsonObject? arguments = null)
    {
        var replies = await Client.CallAsync(method, arguments);
        replies.Should().HaveCount(1, $"{Node} should answer {method}; the log says:\n{string.Join("\n", Logs.Lines)}");
        return replies[0].Body[Node];
    }

    /// <summary>Asserts that no reply comes to a request within a short wait.</summary>
    public async Task NoReplyAsync(string method, JsonObject? arguments = null, IReadOnlyList<string>? destination = null, string? pattern = null, string? matcher = null)
    {
        var replies = await Client.CallAsync(method, arguments, destination, pattern, matcher, timeout: TimeSpan.FromMilliseconds(400));
        replies.Should().BeEmpty($"{method} should not be answered here");
    }

    /// <summary>The worker still answers: a ping gets pong.</summary>
    public async Task StillAnswersAsync() =>
        (await AskAsync("ping")).Text().Should().Be("""{"ok":"pong"}""");

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Worker.DisposeAsync();
        await Harness.DisposeAsync();
    }
}
