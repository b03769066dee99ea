using Celeriac;
using Celeriac.Beat;

namespace WorkerApp;

/// <summary>The sample's tasks and its periodic one (<c>worker --beat</c> sends it every 10 s).</summary>
internal static class SampleTasks
{
    public static void Register(CeleriacApp app)
    {
        app.Task("sample.add", (int x, int y) => x + y);
        // Sleeps, then returns what it slept; acks late, so a cold shutdown (a second Ctrl+C) gives it back to the queue.
        app.Task("sample.sleep", async (double seconds, CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            return seconds;
        }, t => t.AcksLate = true);
        app.Beat.Add("add-every-10s", BeatSchedule.Every(TimeSpan.FromSeconds(10)), "sample.add", [1, 2]);
    }
}
