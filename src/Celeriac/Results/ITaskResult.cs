using System.Text.Json.Nodes;

namespace Celeriac;

/// <summary>
/// What a single task result (<see cref="AsyncResult"/>) and a group result
/// (<see cref="GroupResult"/>) have in common, so a chain step's <see cref="Parent"/> or an entry
/// of <see cref="AsyncResult.Children"/> can be either, as in Celery.
/// </summary>
public interface ITaskResult
{
    /// <summary>The task id, or the group id for a group.</summary>
    string Id { get; }

    /// <summary>The result this one follows in a chain (Celery's <c>result.parent</c>), or null.</summary>
    ITaskResult? Parent { get; }

    /// <summary>The result tuple Celery stores in <c>children</c> and saved groups (docs/protocol.md §4.6): <c>[[id, parent], members]</c>.</summary>
    JsonArray AsTuple();

    /// <summary>Reads the backend: true once the task (every member, for a group) is ready.</summary>
    Task<bool> IsReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits for the value (a JSON array of member values for a group); throws <see cref="Exceptions.TaskFailedException"/> on failure.</summary>
    Task<JsonNode?> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}
