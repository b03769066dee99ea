using Celeriac.Tasks;

namespace Celeriac.Beat;

/// <summary>
/// The app's periodic tasks (<c>app.Beat</c>): entries defined in code and configuration, and the
/// run-time API — set, pause, resume, remove, run now, list with next runs — that every beat on
/// the same broker and schedule sees within a second.
/// </summary>
public sealed class BeatEntries
{
    private readonly CeleriacApp _app;

    internal BeatEntries(CeleriacApp app) => _app = app;

    /// <summary>Adds (or replaces) an entry defined in code, before a beat starts.</summary>
    public BeatEntry Add(string name, BeatSchedule schedule, string task, object?[]? args = null,
        IReadOnlyDictionary<string, object?>? kwargs = null, TaskSendOptions? options = null) => throw new NotImplementedException();

    /// <summary>Adds (or replaces) an entry for a registered task.</summary>
    public BeatEntry Add(string name, BeatSchedule schedule, CeleriacTask task, object?[]? args = null,
        IReadOnlyDictionary<string, object?>? kwargs = null, TaskSendOptions? options = null) => Add(name, schedule, task.Name, args, kwargs, options);

    /// <summary>Adds (or replaces) an entry defined in code.</summary>
    public BeatEntry Add(BeatEntry entry) => throw new NotImplementedException();

    /// <summary>Adds the entries of a schedule file: Celery's <c>beat_schedule</c> as JSON (docs/interop.md, "Beat").</summary>
    public IReadOnlyList<BeatEntry> AddFile(string path) => throw new NotImplementedException();

    /// <summary>The entries defined in code and configuration in this process, by name.</summary>
    public IReadOnlyCollection<BeatEntry> Defined => throw new NotImplementedException();

    /// <summary>Adds or changes an entry while beats run; it counts from now, firing nothing for the change itself.</summary>
    public Task SetAsync(BeatEntry entry, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Pauses an entry: it runs nothing until resumed.</summary>
    public Task PauseAsync(string name, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Resumes a paused entry, counting from now.</summary>
    public Task ResumeAsync(string name, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Removes an entry (one from code or configuration stays removed until set again).</summary>
    public Task RemoveAsync(string name, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Sends the entry's task now, outside its schedule; returns the task id.</summary>
    public Task<string> RunNowAsync(string name, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Every entry in force with its state and next <paramref name="nextRuns"/> runs, in UTC and its zone.</summary>
    public Task<IReadOnlyList<BeatEntryInfo>> ListAsync(int nextRuns = 5, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
