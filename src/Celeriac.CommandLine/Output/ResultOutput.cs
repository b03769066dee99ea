using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;

namespace Celeriac.CommandLine.Output;

/// <summary>
/// How <c>result</c> and <c>call --wait</c> print a task's stored state: with <c>--json</c> the backend's meta as
/// Python writes it (<c>status</c>, <c>result</c>, <c>traceback</c>, …, <c>task_id</c>); else a few labelled lines
/// — the state, then the result as JSON or the exception as <c>Type: message</c>, then the traceback when asked.
/// Plain lines on the writer, not Spectre text, which would wrap a long result or traceback at the console's width.
/// </summary>
internal static class ResultOutput
{
    /// <summary>1 for a task that failed or was revoked (Celery's <c>get()</c> raises then), else 0.</summary>
    public static int ExitCode(ResultMeta meta) =>
        meta.Status is TaskStates.Failure or TaskStates.Revoked ? CliExitCode.Failure : CliExitCode.Ok;

    /// <summary>Prints <paramref name="meta"/>; <paramref name="traceback"/> adds the stored traceback, if any.</summary>
    public static async Task WriteAsync(TextWriter output, ResultMeta meta, bool json, bool traceback)
    {
        if (json)
        {
            await output.WriteLineAsync(PythonJson.Dumps(meta.ToJson())).ConfigureAwait(false);
            return;
        }
        await output.WriteLineAsync($"state:  {meta.Status}").ConfigureAwait(false);
        if (meta.Exception is { } error)
            await output.WriteLineAsync($"error:  {error.Type}: {error.Message}").ConfigureAwait(false);
        else if (meta.Result is not null || meta.Status == TaskStates.Success)
            await output.WriteLineAsync($"result: {Json(meta.Result)}").ConfigureAwait(false);
        if (traceback && meta.Traceback is { Length: > 0 } text)
        {
            await output.WriteLineAsync("traceback:").ConfigureAwait(false);
            await output.WriteLineAsync(text.TrimEnd('\n')).ConfigureAwait(false);
        }
    }

    // Python's json.dumps, so a string shows quoted and null as null, as a script reading it expects.
    private static string Json(JsonNode? node) => PythonJson.Dumps(node);
}
