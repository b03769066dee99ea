using System.CommandLine;
using Celeriac.CommandLine.Output;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>celeriac result</c>: Celery's <c>celery result</c> — print what the result backend holds for a task id, once,
/// without waiting. An id the backend does not know is PENDING, as Celery reports it (exit 0: the backend answered);
/// a task that failed or was revoked exits 1.
/// </summary>
internal static class ResultCommand
{
    public static readonly string[] Examples =
    [
        "celeriac result 4f3c8a5e-0b7d-4c1e-9a53-1f2e3d4c5b6a --result-backend redis://localhost:6379/1",
        "celeriac result 4f3c8a5e-0b7d-4c1e-9a53-1f2e3d4c5b6a --traceback",
        "CELERY_RESULT_BACKEND=redis://localhost:6379/1 celeriac result 4f3c8a5e-0b7d-4c1e-9a53-1f2e3d4c5b6a --json",
    ];

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var id = new Argument<string>("task_id") { Description = "The task's id, as call printed it." };
        var traceback = new Option<bool>("--traceback") { Description = "Print a failed task's traceback too." };
        var command = new Command("result",
            "Print a task's state and result from the result backend (PENDING for an id it does not know; exit 1 if the task failed).")
        {
            id,
            traceback,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            ResultBackendRequirement.Check(settings, "result");
            var taskId = parsed.GetValue(id)!.Trim();
            if (taskId.Length == 0) throw CliException.Usage("task_id must not be empty");
            var lease = CliAppFactory.Open(WithoutBroker(settings));
            await using (lease.ConfigureAwait(false))
            {
                var app = lease.App;
                var result = await app.Result(taskId).RefreshAsync(cancellationToken).ConfigureAwait(false);
                await ResultOutput.WriteAsync(output, result.Meta, settings.Json, parsed.GetValue(traceback)).ConfigureAwait(false);
                return ResultOutput.ExitCode(result.Meta);
            }
        });
        return command;
    }

    /// <summary>
    /// Reading a result never touches the broker (the app connects to it only when used), so, as
    /// <c>celery result</c>, this works with only a Redis result backend given: the app gets that URL for a broker too.
    /// </summary>
    private static CliSettings WithoutBroker(CliSettings settings) =>
        settings.BrokerUrl is null && settings.ResultBackend is { } backend && backend.StartsWith("redis", StringComparison.OrdinalIgnoreCase)
            ? settings with { BrokerUrl = backend }
            : settings;
}
