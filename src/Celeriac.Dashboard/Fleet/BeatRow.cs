using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Fleet;

/// <summary>A beat entry as <c>GET P/api/beat</c> shows it (API16.md), plus <c>definition</c>: the entry in the schedule file's JSON shape, what the edit form starts from and <c>PUT</c> takes.</summary>
internal sealed record BeatRow(
    string Name,
    string Task,
    string Schedule,
    JsonArray Args,
    JsonObject Kwargs,
    JsonObject? Options,
    bool Paused,
    DateTime? LastRunAt,
    long TotalRunCount,
    IReadOnlyList<DateTime> NextRuns,
    BeatOutcome? LastOutcome,
    string Zone,
    JsonObject Definition);
