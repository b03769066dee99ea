using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Events;

/// <summary>The mutable state of one task inside <see cref="ClusterState"/> (Celery's <c>events.state.Task</c>).</summary>
internal sealed class TaskRecord(string id)
{
    // celery.states.PRECEDENCE: a lower index wins; unknown (custom) states sit where None does.
    private static readonly string?[] Precedence = ["SUCCESS", "FAILURE", null, "REVOKED", "STARTED", "RECEIVED", "REJECTED", "RETRY", "PENDING"];
    private static readonly Dictionary<string, string> EventToState = new(StringComparer.Ordinal)
    {
        ["sent"] = "PENDING", ["received"] = "RECEIVED", ["started"] = "STARTED", ["failed"] = "FAILURE",
        ["retried"] = "RETRY", ["succeeded"] = "SUCCESS", ["revoked"] = "REVOKED", ["rejected"] = "REJECTED",
    };
    // Fields only task-received may set, whatever order events arrive in (Task.merge_rules).
    private static readonly HashSet<string> ReceivedKeeps = ["name", "args", "kwargs", "parent_id", "root_id", "retries", "eta", "expires"];
    private readonly Dictionary<string, JsonNode?> _fields = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _stateTimes = new(StringComparer.Ordinal);

    public string Id { get; } = id;
    public string State { get; private set; } = "PENDING";
    public string? Worker { get; set; }
    public string? Client { get; set; }

    /// <summary>Folds one task event in, as <c>Task.event</c> does.</summary>
    public void Apply(CeleryEventInfo e)
    {
        var subject = e.Subject;
        string state;
        if (EventToState.TryGetValue(subject, out var mapped))
        {
            state = mapped;
            if (e.Timestamp is { } t) _stateTimes[subject] = t;
        }
        else state = subject.ToUpperInvariant();

        IEnumerable<KeyValuePair<string, JsonNode?>> fields = e.Raw;
        if (state != "RETRY" && State != "RETRY" && Rank(state) > Rank(State))
        {
            // This event logically happened before the current state: merge its fields, not its state.
            if (state == "RECEIVED") fields = e.Raw.Where(f => ReceivedKeeps.Contains(f.Key));
        }
        else
        {
            State = state;
            _fields["timestamp"] = e.Raw["timestamp"]?.DeepClone();
        }
        foreach (var (key, value) in fields) _fields[key] = value?.DeepClone();
    }

    public TaskSnapshot Snapshot() => new()
    {
        Id = Id,
        State = State,
        Name = Str("name"),
        Worker = Worker,
        Client = Client,
        Args = Str("args"),
        Kwargs = Str("kwargs"),
        Result = Str("result"),
        Exception = Str("exception"),
        Traceback = Str("traceback"),
        Runtime = Num("runtime"),
        Retries = _fields.TryGetValue("retries", out var r) ? CeleryJson.AsInt64(r) : null,
        Eta = Str("eta"),
        Expires = Str("expires"),
        RootId = Str("root_id"),
        ParentId = Str("parent_id"),
        Timestamp = Num("timestamp"),
        Clock = _fields.TryGetValue("clock", out var c) ? CeleryJson.AsInt64(c) ?? 0 : 0,
        StateTimes = new Dictionary<string, double>(_stateTimes, StringComparer.Ordinal),
    };

    private static int Rank(string state)
    {
        var index = Array.IndexOf(Precedence, state);
        return index < 0 ? 2 : index;
    }

    private string? Str(string name) => _fields.TryGetValue(name, out var n) && n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private double? Num(string name) => _fields.TryGetValue(name, out var n) ? CeleryJson.AsDouble(n) : null;
}
