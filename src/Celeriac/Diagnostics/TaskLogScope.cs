using System.Collections;
using Celeriac.Protocol.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Diagnostics;

/// <summary>
/// The logger scope a task runs in: <c>TaskId</c>, <c>TaskName</c>, <c>RootId</c> and, when set,
/// <c>ParentId</c>. Begun on the app's logger factory, whose scope provider every logger of that
/// factory shares, so a task's own <c>ILogger</c> lines carry the values too. A list of pairs, the
/// shape console, JSON and OpenTelemetry log providers read scope values from; its <c>ToString</c>
/// is what a provider that prints scopes as text shows.
/// </summary>
internal sealed class TaskLogScope(TaskMessage message) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>
    /// Begins the scope on <paramref name="logger"/>, or returns null (nothing allocated) when no
    /// logging is configured: the app's factory is the null one, or the logger has no provider enabled.
    /// </summary>
    public static IDisposable? Begin(ILoggerFactory factory, ILogger logger, TaskMessage message) =>
        factory is NullLoggerFactory || !logger.IsEnabled(LogLevel.Critical) ? null : logger.BeginScope(new TaskLogScope(message));

    public int Count => message.ParentId is null ? 3 : 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("TaskId", message.Id),
        1 => new("TaskName", message.Task),
        2 => new("RootId", message.RootId ?? message.Id),
        3 when message.ParentId is not null => new("ParentId", message.ParentId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        message.ParentId is null
            ? $"Task {message.Task}[{message.Id}] root {message.RootId ?? message.Id}"
            : $"Task {message.Task}[{message.Id}] root {message.RootId ?? message.Id} parent {message.ParentId}";
}
