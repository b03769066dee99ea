using System.Text.Json.Nodes;
using Celeriac;

namespace WebShop.Status;

/// <summary>
/// What <c>GET /orders/{id}</c>, <c>GET /imports/{id}</c> and <c>GET /tasks/{id}</c> return: Celery's
/// state (PENDING, STARTED, RETRY, SUCCESS, FAILURE), the result once it succeeded, the error once it failed.
/// </summary>
/// <param name="Id">The task id.</param>
/// <param name="State">The task's state; PENDING also for an id the backend does not know (as in Celery).</param>
/// <param name="Result">The result, on SUCCESS.</param>
/// <param name="Error">The exception, on FAILURE and RETRY (the one that caused the retry).</param>
public sealed record TaskStatusResponse(string Id, string State, JsonNode? Result, TaskError? Error)
{
    /// <summary>Reads the current state of <paramref name="result"/> from the result backend.</summary>
    public static async Task<TaskStatusResponse> ReadAsync(AsyncResult result, CancellationToken cancellationToken)
    {
        await result.RefreshAsync(cancellationToken);
        var error = result.Failure is { } failure ? new TaskError(failure.Type, failure.Message) : null;
        return new TaskStatusResponse(result.Id, result.State, result.IsSuccessful ? result.Info : null, error);
    }
}

/// <summary>A task's exception, as Celery stores it.</summary>
/// <param name="Type">The exception type (Python-style name).</param>
/// <param name="Message">Its message.</param>
public sealed record TaskError(string Type, string Message);
