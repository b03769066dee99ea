using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A directory of one beat scenario: the schedule file (Celery's <c>beat_schedule</c> as JSON,
/// docs/interop.md "Beat") and the state file kept across restarts; removed on dispose.
/// </summary>
internal sealed class BeatFiles : IDisposable
{
    public BeatFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"celeriac-beat-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Our beat's <c>--beat-state</c>.</summary>
    public string StatePath => Path.Combine(Directory, "beat-state.json");

    /// <summary>Writes <paramref name="schedule"/> (or raw text) as a schedule file and returns its path.</summary>
    public string WriteSchedule(JsonObject schedule, string name = "schedule.json") => WriteSchedule(schedule.ToJsonString(), name);

    public string WriteSchedule(string text, string name = "schedule.json")
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The InteropWorker as a beat alone (<c>--beat-only</c>): publishes due runs, consumes nothing.</summary>
internal static class CeleriacBeatProcess
{
    /// <summary>The process started, not awaited (for runs that must fail before <c>ready</c>).</summary>
    public static ManagedProcess Start(Endpoints endpoints, string schedulePath, string statePath, params string[] options)
    {
        var holder = $"beat-{Guid.NewGuid():N}"[..13] + "@test";
        return ManagedProcess.Start($"celeriac beat {holder}", "dotnet",
            [Prerequisites.InteropWorkerDll, "--beat-only", "--schedule", schedulePath, "--beat-state", statePath, "--hostname", holder, .. options],
            Prerequisites.PythonDirectory, endpoints.Environment(new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1" }),
            line => line.Contains(" ready", StringComparison.Ordinal));
    }

    /// <summary>Starts it and waits for <c>ready</c>: the schedule is loaded and the beat joined the election.</summary>
    public static async Task<ManagedProcess> StartAsync(Endpoints endpoints, string schedulePath, string statePath, params string[] options)
    {
        var beat = Start(endpoints, schedulePath, statePath, options);
        try
        {
            await beat.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return beat;
        }
        catch
        {
            await beat.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// Python Celery 5.2's <c>celery beat</c> with the contract's app and a schedule given as JSON
/// (<c>python/interop_beat.py</c>), its state in <paramref name="files"/>' directory.
/// </summary>
internal static class PythonBeat
{
    public static async Task<ManagedProcess> StartAsync(Endpoints endpoints, JsonObject schedule, BeatFiles files)
    {
        var env = new Dictionary<string, string?>
        {
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONUNBUFFERED"] = "1",
            ["INTEROP_BEAT_SCHEDULE"] = schedule.ToJsonString(),
        };
        var beat = ManagedProcess.Start("python celery beat", Prerequisites.Python,
            ["-m", "celery", "-A", "interop_beat", "beat", "-s", Path.Combine(files.Directory, "celerybeat-schedule"), "-l", "info"],
            Prerequisites.PythonDirectory, endpoints.Environment(env),
            line => line.Contains("beat: Starting...", StringComparison.Ordinal));
        try
        {
            await beat.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return beat;
        }
        catch
        {
            await beat.DisposeAsync();
            throw;
        }
    }
}
