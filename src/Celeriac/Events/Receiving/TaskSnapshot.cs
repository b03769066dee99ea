namespace Celeriac.Events;

/// <summary>A task as <see cref="ClusterState"/> knows it from its events, at the moment of the snapshot.</summary>
public sealed record TaskSnapshot
{
    /// <summary>Task id.</summary>
    public required string Id { get; init; }

    /// <summary>State as <c>celery.events.state</c> derives it: PENDING, RECEIVED, STARTED, SUCCESS, FAILURE, RETRY, REVOKED, REJECTED.</summary>
    public required string State { get; init; }

    /// <summary>Task name (from <c>task-received</c> or <c>task-sent</c>).</summary>
    public string? Name { get; init; }

    /// <summary>The worker node that handled it.</summary>
    public string? Worker { get; init; }

    /// <summary>The client node that sent it (<c>task-sent</c>).</summary>
    public string? Client { get; init; }

    /// <summary>Positional arguments' repr.</summary>
    public string? Args { get; init; }

    /// <summary>Keyword arguments' repr.</summary>
    public string? Kwargs { get; init; }

    /// <summary>Result's repr (SUCCESS).</summary>
    public string? Result { get; init; }

    /// <summary>Exception's repr (FAILURE, RETRY).</summary>
    public string? Exception { get; init; }

    /// <summary>Traceback text.</summary>
    public string? Traceback { get; init; }

    /// <summary>Run time in seconds.</summary>
    public double? Runtime { get; init; }

    /// <summary>Retry count.</summary>
    public long? Retries { get; init; }

    /// <summary>ETA, ISO 8601.</summary>
    public string? Eta { get; init; }

    /// <summary>Expiry, ISO 8601.</summary>
    public string? Expires { get; init; }

    /// <summary>Root task id.</summary>
    public string? RootId { get; init; }

    /// <summary>Parent task id.</summary>
    public string? ParentId { get; init; }

    /// <summary>Timestamp of the event that set the current state.</summary>
    public double? Timestamp { get; init; }

    /// <summary>Clock of the last event applied.</summary>
    public long Clock { get; init; }

    /// <summary>When each state's event was stamped (keys: sent, received, started, succeeded, failed, retried, revoked, rejected).</summary>
    public required IReadOnlyDictionary<string, double> StateTimes { get; init; }
}
