using System.Diagnostics;
using Celeriac.Events;

namespace Celeriac.CommandLine.Events;

/// <summary>
/// <c>celeriac events</c> on a terminal: Celery's curses monitor (<c>celery events</c>) on
/// <see cref="ClusterState"/>. Events are folded in as they arrive; the screen is redrawn when something changed,
/// at most <see cref="MaxFramesPerSecond"/> times a second so a busy cluster does not cost a core, and at least once
/// a second so heartbeat ages and workers going offline show. Keys: q quits (Ctrl+C too), ↑/↓ or k/j move the
/// selection, Enter or i shows the selected task's details, Esc (or Enter, i) goes back.
/// </summary>
internal static class LiveMonitor
{
    public const int MaxFramesPerSecond = 4;
    private static readonly TimeSpan MinFrameInterval = TimeSpan.FromSeconds(1.0 / MaxFramesPerSecond);
    private static readonly TimeSpan MaxFrameInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeyPollInterval = TimeSpan.FromMilliseconds(40);

    /// <summary>True when <paramref name="output"/> is a terminal we can draw on and read keys from.</summary>
    public static bool CanRun(TextWriter output) => CliConsole.IsTerminal(output) && !Console.IsInputRedirected;

    public static async Task<int> RunAsync(EventsRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        await using var session = await EventSession.OpenAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new ClusterState(session.App, maxTasks: request.MaxTasks);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Pump(state, session.Receiver, request.Count, stopping);
        var broker = Celeriac.Control.Mailbox.Commands.SettingsMask.Url(request.Settings.BrokerUrl ?? "");
        var selection = new TaskSelection();
        try
        {
            using var screen = new TerminalScreen(output);
            var size = TerminalScreen.Size;
            var lastCount = -1L;
            var sinceDraw = Stopwatch.StartNew();
            var changed = true;
            while (!stopping.IsCancellationRequested && !pump.IsCompleted)
            {
                while (TerminalScreen.ReadKey() is { } key)
                {
                    if (selection.Press(key) == KeyOutcome.Quit) return CliExitCode.Ok;
                    changed = true;
                }
                if (TerminalScreen.Size != size)
                {
                    size = TerminalScreen.Size;
                    screen.Invalidate();
                    changed = true;
                }
                changed |= state.EventCount != lastCount;
                if ((changed && sinceDraw.Elapsed >= MinFrameInterval) || sinceDraw.Elapsed >= MaxFrameInterval)
                {
                    lastCount = state.EventCount;
                    var tasks = MonitorView.Newest(state.Tasks);
                    selection.Keep(tasks);
                    var view = new MonitorView
                    {
                        Broker = broker,
                        Workers = state.Workers,
                        Tasks = tasks,
                        EventCount = lastCount,
                        SelectedId = selection.SelectedId,
                        ShowDetail = selection.ShowDetail,
                        Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
                    };
                    screen.Draw(view.Render(size.Width, size.Height), size.Width, size.Height);
                    sinceDraw.Restart();
                    changed = false;
                }
                try
                {
                    await Task.Delay(KeyPollInterval, stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break; // Ctrl+C
                }
            }
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false); // a lost connection is reported once the shell's screen is back
        }
        return CliExitCode.Ok;
    }

    // Folds events into the state until stopped or --count events were seen; cancellation is the normal end.
    private static async Task Pump(ClusterState state, EventReceiver receiver, int? count, CancellationTokenSource stopping)
    {
        try
        {
            var seen = 0;
            await foreach (var e in receiver.ReadAllAsync(stopping.Token).ConfigureAwait(false))
            {
                state.Apply(e);
                if (++seen == count) break;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
