using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Events;

/// <summary>The mutable state of one worker inside <see cref="ClusterState"/> (Celery's <c>events.state.Worker</c>).</summary>
internal sealed class WorkerRecord(string hostname)
{
    private JsonObject _fields = new();

    public string Hostname { get; } = hostname;
    public double? LastHeartbeat { get; private set; }

    /// <summary>A worker event: its fields replace ours; <c>offline</c> forgets the heartbeats.</summary>
    public void Apply(CeleryEventInfo e)
    {
        foreach (var (key, value) in e.Raw) _fields[key] = value?.DeepClone();
        if (e.Subject == "offline") LastHeartbeat = null;
        else Beat(e.LocalReceived);
    }

    /// <summary>A sign of life without fields (a task event from this worker).</summary>
    public void Beat(double localReceived)
    {
        if (LastHeartbeat is not { } last || localReceived > last) LastHeartbeat = localReceived;
    }

    public WorkerSnapshot Snapshot(double now)
    {
        var freq = CeleryJson.AsDouble(_fields["freq"]) ?? 60; // Celery's Worker.freq default
        return new WorkerSnapshot
        {
            Hostname = Hostname,
            IsOnline = LastHeartbeat is { } last && now < last + freq * ClusterState.HeartbeatExpireWindow,
            Freq = freq,
            Active = CeleryJson.AsInt64(_fields["active"]),
            Processed = CeleryJson.AsInt64(_fields["processed"]),
            LoadAverage = _fields["loadavg"] is JsonArray a ? a.Select(n => CeleryJson.AsDouble(n) ?? 0).ToList() : null,
            SoftwareIdent = Str("sw_ident"),
            SoftwareVersion = Str("sw_ver"),
            SoftwareSystem = Str("sw_sys"),
            Pid = CeleryJson.AsInt64(_fields["pid"]),
            Clock = CeleryJson.AsInt64(_fields["clock"]) ?? 0,
            LastHeartbeat = LastHeartbeat,
        };
    }

    private string? Str(string name) => _fields[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
