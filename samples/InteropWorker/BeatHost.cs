using Celeriac;
using Celeriac.Beat;

namespace InteropWorker;

/// <summary>
/// The beat side of the interop worker (docs/interop.md, "Beat"): the schedule file, the beat's
/// settings from the command line, and <c>--beat-only</c>, a beat that consumes nothing.
/// </summary>
internal static class BeatHost
{
    /// <summary>
    /// Adds the <c>--schedule</c> file's entries before anything starts, so an entry that does not
    /// parse stops the process before <c>ready</c>; returns the error to print, or null.
    /// </summary>
    public static string? LoadSchedule(CeleriacApp app, WorkerSettings settings)
    {
        if (settings.Schedule is not { } file) return null;
        try
        {
            app.Beat.AddFile(file);
            return null;
        }
        catch (FormatException ex)
        {
            // The reader's message names the file, the entry and what is wrong with it.
            return $"error: {ex.Message}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"error: schedule {file}: {ex.Message}";
        }
    }

    /// <summary>The command line's beat settings over the app's defaults.</summary>
    public static void Configure(BeatOptions options, WorkerSettings settings)
    {
        if (settings.BeatState is { } state) options.StateFile = state;
        // The node name doubles as the beat's name in the election, so logs and the lease tell replicas apart.
        if (settings.Hostname is { } name) options.Holder = name;
    }

    /// <summary>The beat's settings for a worker that runs one (<c>--beat</c>).</summary>
    public static BeatOptions ForWorker(CeleriacApp app, WorkerSettings settings)
    {
        var options = BeatOptions.From(app.Options);
        Configure(options, settings);
        return options;
    }

    /// <summary><c>--beat-only</c>: joins the election, says <c>ready</c>, publishes while it holds the lease, stops on <paramref name="stop"/> (exit 0).</summary>
    public static async Task<int> RunAloneAsync(CeleriacApp app, WorkerSettings settings, CancellationToken stop)
    {
        await using var beat = app.CreateBeat(o => Configure(o, settings));
        try
        {
            await beat.StartAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"error: cannot start the beat on {settings.Broker}: {ex.Message}");
            return 1;
        }
        Console.WriteLine($"{beat.Options.Holder} ready: beat of {app.Beat.Defined.Count} entries on {settings.Broker}" +
            $" (state {beat.Options.StateFile ?? "in memory"}, timezone {app.Options.Timezone})");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
        // Gives the lease up, so a replica takes over at once.
        await beat.StopAsync(CancellationToken.None);
        return 0;
    }
}
