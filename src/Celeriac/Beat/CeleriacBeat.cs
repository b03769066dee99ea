using Celeriac.Beat.Store;
using Microsoft.Extensions.Logging;

namespace Celeriac.Beat;

/// <summary>
/// A beat process: joins the election for its schedule and, while it holds the lease, publishes
/// each due run of each entry exactly once. Stop it with <see cref="StopAsync"/> (it gives the lease up, so a replica takes over at once).
/// </summary>
/// <example>
/// <code>
/// app.Beat.Add("cleanup", BeatSchedule.Every(TimeSpan.FromMinutes(5)), "tasks.cleanup");
/// await using var beat = app.CreateBeat();
/// await beat.StartAsync();   // any number of processes may do this: one publishes
/// </code>
/// </example>
public sealed partial class CeleriacBeat : IAsyncDisposable
{
    private readonly CeleriacApp _app;
    private readonly ILogger _log;
    private readonly object _lifecycle = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _starting;
    private Task? _stopped;
    private Task _loop = Task.CompletedTask;
    private IBeatStore? _store;

    internal CeleriacBeat(CeleriacApp app, BeatOptions options)
    {
        _app = app;
        Options = options;
        _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Beat");
        _runs = new BeatRunFactory(app);
        // The election needs one name per beat: two beats in one process share Options.Holder's default.
        Identity = $"{options.Holder}#{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>This beat's settings.</summary>
    public BeatOptions Options { get; }

    /// <summary>True while this process holds the lease and publishes.</summary>
    public bool IsPublisher => Volatile.Read(ref _lease) is { } lease && _app.Options.TimeProvider.GetUtcNow() < lease.ExpiresAt;

    /// <summary>This beat's name in the election: <see cref="BeatOptions.Holder"/> and a suffix unique to this instance.</summary>
    internal string Identity { get; }

    internal BeatSignals Signals { get; } = new();

    /// <summary>Loads the state, joins the election and starts the loop; returns once it runs (whether or not it publishes).</summary>
    /// <exception cref="InvalidOperationException">The beat has been stopped; a beat runs once.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            if (_stopped is not null) throw new InvalidOperationException("The beat has been stopped; create a new one to run again.");
            if (_starting is null || _starting.IsFaulted || _starting.IsCanceled) _starting = StartCoreAsync(cancellationToken);
            return _starting;
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _store ??= BeatStores.Open(_app, Options.ScheduleName, Options.StateFile);
        _defined = _app.Beat.Defined.ToArray();
        try
        {
            await RefreshEditsAsync(force: true, cancellationToken).ConfigureAwait(false);
            await RenewAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The broker may be down now: the loop retries, as it does whenever the store fails.
            _log.LogError(ex, "Beat {Holder}: joining the election of schedule {Schedule} failed; retrying", Identity, Options.ScheduleName);
        }
        _log.LogInformation("Beat {Holder} ready: schedule {Schedule}, {Count} entries, {Role}", Identity, Options.ScheduleName, _entries.Count,
            IsPublisher ? "publishing" : "standing by");
        // The loop must not inherit a caller's ambient task (TaskContext): its runs have no parent.
        using (ExecutionContext.SuppressFlow()) _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Stops publishing and releases the lease.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            return _stopped ??= StopCoreAsync(_starting);
        }
    }

    private async Task StopCoreAsync(Task? starting)
    {
        if (starting is not null)
        {
            try { await starting.ConfigureAwait(false); }
            catch (Exception ex) { _log.LogDebug(ex, "Stopping a beat whose start failed"); }
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (Interlocked.Exchange(ref _lease, null) is { } lease && _store is not null)
        {
            try
            {
                await _store.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
                _log.LogInformation("Beat {Holder} released the lease of schedule {Schedule}", Identity, Options.ScheduleName);
            }
            catch (Exception ex)
            {
                // It expires by itself within the lease duration.
                _log.LogWarning(ex, "Beat {Holder} could not release the lease of schedule {Schedule}", Identity, Options.ScheduleName);
            }
            Signals.Raise(new BeatSignal(BeatSignalKind.LeaseLost));
        }
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
        Signals.Raise(new BeatSignal(BeatSignalKind.Stopped));
    }

    /// <summary>
    /// Ends the loop without giving the lease up, as a killed process would (tests of take-over by
    /// lease expiry): a replica takes over once the lease expires.
    /// </summary>
    internal async Task AbandonAsync()
    {
        lock (_lifecycle) _stopped ??= Task.CompletedTask;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Volatile.Write(ref _lease, null);
    }

    /// <summary>Starts, runs until <paramref name="stoppingToken"/> fires, then stops.</summary>
    public async Task RunAsync(CancellationToken stoppingToken = default)
    {
        await StartAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops if running.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
