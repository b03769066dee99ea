using Celeriac.Beat;
using Celeriac.Worker;

namespace Celeriac.Hosting;

/// <summary>
/// What the builder collected, applied when the container creates the app: task registrations in the
/// order they were made, and the typed handles they returned. One per service collection, so calling
/// <c>AddCeleriac</c> twice adds to the same app.
/// </summary>
internal sealed class CeleriacRegistrations
{
    public List<Action<CeleriacApp>> Tasks { get; } = [];

    public HashSet<string> TaskNames { get; } = new(StringComparer.Ordinal);

    public Dictionary<Type, object> Handles { get; } = [];

    /// <summary>The configuration of each <c>AddWorker</c>, in order.</summary>
    public List<Action<WorkerOptions>?> Workers { get; } = [];

    /// <summary>The configuration of each <c>AddBeat</c>, in order.</summary>
    public List<Action<BeatOptions>?> Beats { get; } = [];
}
