using Celeriac.Protocol.Json;

namespace Celeriac.CommandLine.Events;

/// <summary>
/// <c>celeriac events --dump</c>: every event as a line — Celery's dumper text, or with <c>--json</c> the event's
/// fields as one JSON object (after the receiver's adjustments: clock, timestamp, <c>local_received</c>). Flushed
/// per line so a pipe sees each event as it comes. Ctrl+C (or <c>--count</c> events) ends it with exit 0.
/// </summary>
internal static class EventDump
{
    public static async Task<int> RunAsync(EventsRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var json = request.Settings.Json;
        if (!json) await output.WriteLineAsync(EventDumper.StartLine).ConfigureAwait(false);
        await using var session = await EventSession.OpenAsync(request, cancellationToken).ConfigureAwait(false);
        var dumper = new EventDumper();
        var seen = 0;
        try
        {
            await foreach (var e in session.Receiver.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(json ? PythonJson.Dumps(e.Raw) : dumper.Format(e)).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (++seen == request.Count) break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a dump ends.
        }
        return CliExitCode.Ok;
    }
}
