using Celeriac.Beat;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Celeriac.Hosting;

/// <summary>
/// The hosted beat of <see cref="CeleriacBuilder.AddBeat"/>: joins the election in the background when
/// the host starts, and releases its lease when the host stops so a replica takes over at once.
/// </summary>
internal sealed class CeleriacBeatService(CeleriacApp app, Action<BeatOptions>? configure) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Hosting");
    private RetryingStart? _start;
    private int _disposed;

    /// <summary>The beat, once the host has started; null before.</summary>
    public CeleriacBeat? Beat { get; private set; }

    /// <summary>Why the beat has not started yet; null once started.</summary>
    public string? StartError => _start?.LastError;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var beat = Beat = app.CreateBeat(configure);
        _start = new RetryingStart(beat.StartAsync, _log, $"beat {beat.Options.ScheduleName}");
        _start.Begin();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Beat is not { } beat) return;
        await _start!.CancelAsync().ConfigureAwait(false);
        try
        {
            await beat.StopAsync(cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _log.LogWarning("Beat {Schedule} did not release its lease within the host's shutdown timeout; it expires by itself", beat.Options.ScheduleName);
        }
    }

    // Registered twice (as itself and as IHostedService), so the container may dispose it twice.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && Beat is { } beat) await beat.DisposeAsync().ConfigureAwait(false);
    }
}
