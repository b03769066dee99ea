using System.Diagnostics;
using Celeriac.Exceptions;
using Celeriac.Protocol.Messages;
using Celeriac.Serialization;
using Celeriac.Tasks;

namespace Celeriac.Worker;

/// <summary>
/// Runs one task message: binds its arguments, calls the task with a <see cref="TaskContext"/>,
/// and turns what happened into a <see cref="TaskOutcome"/>. The worker and eager mode both use
/// it, so a task behaves the same in a test as in production.
/// </summary>
internal sealed class TaskExecutor(CeleriacApp app)
{
    public async ValueTask<TaskOutcome> ExecuteAsync(TaskDefinition task, TaskMessage message, ExecutionScope scope)
    {
        var context = new TaskContext(app, message, scope.Hostname, scope.Queue, scope.IsEager, scope.Cancellation) { StatePort = scope.StatePort };
        var started = Stopwatch.GetTimestamp();
        var previous = TaskContext.Current;
        TaskContext.SetCurrent(context);
        try
        {
            var value = await task.Invoker.InvokeAsync(context, app.Options.Json, app.Services).ConfigureAwait(false);
            var json = CeleriacJson.ToNode(value, app.Options.Json);
            return TaskOutcome.Success(json, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (scope.ShutdownToken.IsCancellationRequested)
        {
            return TaskOutcome.Interrupt(Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex)
        {
            return TaskOutcome.Failure(ExceptionInfoFactory.From(ex), ExceptionInfoFactory.Traceback(ex), ex, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            TaskContext.SetCurrent(previous);
        }
    }
}
