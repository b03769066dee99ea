using Celeriac;
using Celeriac.Beat;
using Microsoft.Extensions.Logging;

namespace WorkerApp;

/// <summary>The sample's tasks and its periodic one (<c>worker --beat</c> sends it every 10 s).</summary>
internal static class SampleTasks
{
    public static void Register(CeleriacApp app)
    {
        app.Task("sample.add", (int x, int y) => x + y);
        // Sleeps, then returns what it slept; acks late, so a cold shutdown (a second Ctrl+C) gives it back to the queue.
        // (Cast to Delegate: the logger is a service parameter between the task's own ones.)
        app.Task("sample.sleep", (Delegate)(async (double seconds, ILogger logger, CancellationToken cancellationToken) =>
        {
            logger.LogInformation("Sleeping {Seconds} s", seconds);
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            return seconds;
        }), t => t.AcksLate = true);
        app.Beat.Add("add-every-10s", BeatSchedule.Every(TimeSpan.FromSeconds(10)), "sample.add", [1, 2]);
    }
}
