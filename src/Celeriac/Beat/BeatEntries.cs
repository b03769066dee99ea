using System.Text.Json.Nodes;
using Celeriac.Beat.Json;
using Celeriac.Beat.Store;
using Celeriac.Serialization;
using Celeriac.Tasks;

namespace Celeriac.Beat;

/// <summary>
/// The app's periodic tasks (<c>app.Beat</c>): entries defined in code and configuration, and the
/// run-time API — set, pause, resume, remove, run now, list with next runs — that every beat on
/// the same broker and schedule sees within a second.
/// </summary>
/// <remarks>
/// The run-time API writes to the schedule named by <see cref="BeatOptions.ScheduleName"/>'s default
/// (<c>default</c>), in the broker's shared store (Redis) or, on other brokers, in this process and
/// the state file <see cref="CeleriacOptions.BeatScheduleFilename"/>. Edits need no lease: any
/// process may make them, and each re-anchors its entry at the edit's moment, firing nothing itself.
/// </remarks>
/// <example>
/// <code>
/// app.Beat.Add("report", BeatSchedule.Crontab(minute: "30", hour: "7"), "tasks.report", args: ["daily"]);
/// await app.Beat.PauseAsync("report");            // while beats run: seen within a second
/// var next = await app.Beat.ListAsync(nextRuns: 3);
/// </code>
/// </example>
public sealed partial class BeatEntries
{
    private readonly CeleriacApp _app;
    private readonly object _lock = new();
    private readonly OrderedDictionary<string, BeatEntry> _defined = new(StringComparer.Ordinal);

    internal BeatEntries(CeleriacApp app)
    {
        _app = app;
        // CeleriacOptions.BeatSchedule (code or configuration) is read when app.Beat is first used.
        foreach (var entry in app.Options.BeatSchedule) Add(entry);
    }

    /// <summary>Adds (or replaces) an entry defined in code, before a beat starts.</summary>
    public BeatEntry Add(string name, BeatSchedule schedule, string task, object?[]? args = null,
        IReadOnlyDictionary<string, object?>? kwargs = null, TaskSendOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        return Add(new BeatEntry
        {
            Name = name,
            Schedule = schedule,
            Task = task,
            Args = CeleriacJson.ToArgs(args, _app.Options.Json),
            Kwargs = CeleriacJson.ToKwargs(kwargs, _app.Options.Json),
            Options = options ?? new TaskSendOptions(),
        });
    }

    /// <summary>Adds (or replaces) an entry for a registered task.</summary>
    public BeatEntry Add(string name, BeatSchedule schedule, CeleriacTask task, object?[]? args = null,
        IReadOnlyDictionary<string, object?>? kwargs = null, TaskSendOptions? options = null) => Add(name, schedule, task.Name, args, kwargs, options);

    /// <summary>Adds (or replaces) an entry defined in code.</summary>
    public BeatEntry Add(BeatEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Name);
        ArgumentNullException.ThrowIfNull(entry.Schedule);
        lock (_lock) _defined[entry.Name] = entry;
        return entry;
    }

    /// <summary>Adds the entries of a schedule file: Celery's <c>beat_schedule</c> as JSON (docs/interop.md, "Beat").</summary>
    /// <exception cref="FormatException">The file does not read; the message names the file and the entry.</exception>
    public IReadOnlyList<BeatEntry> AddFile(string path)
    {
        IReadOnlyList<BeatEntry> entries;
        try
        {
            entries = BeatEntryJson.ReadSchedule(JsonNode.Parse(File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new FormatException($"Beat schedule file '{path}': {ex.Message}", ex);
        }
        foreach (var entry in entries) Add(entry);
        return entries;
    }

    /// <summary>The entries defined in code and configuration in this process, by name.</summary>
    public IReadOnlyCollection<BeatEntry> Defined
    {
        get { lock (_lock) return _defined.Values.ToArray(); }
    }

    /// <summary>Adds or changes an entry while beats run; it counts from now, firing nothing for the change itself.</summary>
    public async Task SetAsync(BeatEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Name);
        await using var store = OpenStore();
        await WriteAsync(store, entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses an entry: it runs nothing until resumed.</summary>
    /// <exception cref="KeyNotFoundException">No entry of that name is in force.</exception>
    public Task PauseAsync(string name, CancellationToken cancellationToken = default) => SetPausedAsync(name, true, cancellationToken);

    /// <summary>Resumes a paused entry, counting from now.</summary>
    /// <exception cref="KeyNotFoundException">No entry of that name is in force.</exception>
    public Task ResumeAsync(string name, CancellationToken cancellationToken = default) => SetPausedAsync(name, false, cancellationToken);

    /// <summary>Removes an entry (one from code or configuration stays removed until set again).</summary>
    public async Task RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var store = OpenStore();
        await store.WriteEditAsync(name, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task SetPausedAsync(string name, bool paused, CancellationToken cancellationToken)
    {
        await using var store = OpenStore();
        var entry = await FindAsync(store, name, cancellationToken).ConfigureAwait(false);
        await WriteAsync(store, entry with { Paused = paused }, cancellationToken).ConfigureAwait(false);
    }

    private Task WriteAsync(IBeatStore store, BeatEntry entry, CancellationToken cancellationToken) =>
        store.WriteEditAsync(entry.Name, BeatEdit.Write(entry, _app.Options.TimeProvider.GetUtcNow()), cancellationToken).AsTask();

    /// <summary>The definition of <paramref name="name"/> in force: the run-time edit, else the code entry.</summary>
    private async Task<BeatEntry> FindAsync(IBeatStore store, string name, CancellationToken cancellationToken)
    {
        var edits = await store.ReadEditsAsync(cancellationToken).ConfigureAwait(false);
        var inForce = BeatEntryInForce.Resolve(Defined, edits.Entries, _app.Options);
        if (!inForce.TryGetValue(name, out var entry)) throw new KeyNotFoundException($"There is no beat entry '{name}' in schedule '{ScheduleName}'.");
        return entry.Entry ?? throw new FormatException(entry.Error);
    }

    private string ScheduleName => BeatOptions.From(_app.Options).ScheduleName;

    private IBeatStore OpenStore()
    {
        var options = BeatOptions.From(_app.Options);
        return BeatStores.Open(_app, options.ScheduleName, options.StateFile);
    }
}
