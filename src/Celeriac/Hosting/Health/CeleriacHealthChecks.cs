namespace Celeriac.Hosting.Health;

/// <summary>The names and tags of the health checks <c>AddCeleriac</c>, <c>AddWorker</c> and <c>AddBeat</c> register.</summary>
internal static class CeleriacHealthChecks
{
    public const string Broker = "celeriac-broker";
    public const string Backend = "celeriac-backend";
    public const string Worker = "celeriac-worker";
    public const string Beat = "celeriac-beat";

    /// <summary>Broker, backend, beat: the process can do its work (readiness).</summary>
    public static readonly string[] ReadyTags = ["celeriac", "ready"];

    /// <summary>Worker: also liveness, since a stuck worker is fixed by a restart.</summary>
    public static readonly string[] WorkerTags = ["celeriac", "live", "ready"];

    public static readonly string[] BeatTags = ReadyTags;

    /// <summary>How long one check may take before it reports the component unreachable.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
}
