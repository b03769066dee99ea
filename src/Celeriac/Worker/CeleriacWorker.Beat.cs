using Celeriac.Beat;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>The embedded beat (Celery's <c>worker -B</c>): started once the worker consumes, stopped first at shutdown, releasing its lease.</content>
public sealed partial class CeleriacWorker
{
    private CeleriacBeat? _beat;

    /// <summary>The embedded beat when <see cref="WorkerOptions.RunBeat"/> is on and the worker started.</summary>
    internal CeleriacBeat? Beat => Volatile.Read(ref _beat);

    private async Task StartBeatAsync(CancellationToken cancellationToken)
    {
        if (!Options.RunBeat) return;
        var beat = new CeleriacBeat(_app, Options.Beat ?? BeatOptions.From(_app.Options));
        Volatile.Write(ref _beat, beat);
        await beat.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StopBeatAsync()
    {
        if (Interlocked.Exchange(ref _beat, null) is not { } beat) return;
        try
        {
            await beat.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "{Hostname}: stopping the embedded beat failed", Hostname);
        }
    }
}
