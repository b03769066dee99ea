namespace Celeriac.CommandLine.Events;

/// <summary>What one <c>celeriac events</c> run was asked for.</summary>
/// <param name="Settings">The global options (broker, <c>--json</c>, <c>-d</c> for <c>--enable-events</c>).</param>
/// <param name="Count">--count: stop after this many events; null to run until stopped.</param>
/// <param name="MaxTasks">--max-tasks: how many tasks the live view keeps.</param>
/// <param name="EnableEvents">--enable-events: broadcast <c>enable_events</c> once subscribed.</param>
internal sealed record EventsRequest(CliSettings Settings, int? Count, int MaxTasks, bool EnableEvents);
