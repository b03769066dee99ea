using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support.Beat;

/// <summary>
/// The InteropWorker as a beat replica: <c>dotnet InteropWorker.dll --beat-only --schedule FILE
/// --beat-state PATH</c> (docs/interop.md, "Beat"), awaited until it prints <c>ready</c> (it has loaded
/// the schedule and joined the election, publisher or not). Each replica keeps its own state file;
/// replicas coordinate through the broker.
/// </summary>
internal static class BeatReplica
{
    public static async Task<ManagedProcess> StartAsync(Endpoints endpoints, string scheduleFile, string stateDirectory, string name)
    {
        var replica = ManagedProcess.Start($"beat replica {name}", "dotnet",
            [Prerequisites.InteropWorkerDll, "--beat-only", "--schedule", scheduleFile,
             "--beat-state", Path.Combine(stateDirectory, name + ".json"), "--hostname", name + "@beat-test"],
            Prerequisites.PythonDirectory, endpoints.Environment(new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1" }),
            line => line.Contains("ready", StringComparison.Ordinal));
        try
        {
            await replica.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
            return replica;
        }
        catch
        {
            await replica.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes a schedule file of interval entries (name → seconds), each sending <c>interop.echo(name)</c>
    /// to the default queue (so a message tells its entry); returns its path.
    /// </summary>
    public static string WriteSchedule(string directory, IReadOnlyDictionary<string, double> intervals)
    {
        var schedule = new JsonObject();
        foreach (var (name, seconds) in intervals)
            schedule[name] = new JsonObject { ["task"] = "interop.echo", ["schedule"] = seconds, ["args"] = new JsonArray(name) };
        var path = Path.Combine(directory, "schedule.json");
        File.WriteAllText(path, schedule.ToJsonString());
        return path;
    }
}
