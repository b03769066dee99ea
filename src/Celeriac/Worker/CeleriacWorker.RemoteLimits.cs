using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Celeriac.Worker;

/// <content>
/// The <c>rate_limit</c> and <c>time_limit</c> commands (docs/protocol.md §5.8, §5.9): per-worker limits that
/// take effect for the next runs, with Celery 5.2.6's replies.
/// </content>
public sealed partial class CeleriacWorker
{
    private readonly RemoteTaskLimits _remoteLimits = new();

    /// <summary>The <c>rate_limit</c> command: the reply value.</summary>
    internal JsonNode? RateLimitCommand(JsonObject arguments)
    {
        // Celery checks the rate before the task.
        if (!Revocation.RateLimitArgument.TryRead(arguments["rate_limit"], out var rate, out var disables, out var error)) return error;
        var name = Text(arguments["task_name"]);
        if (name is null || _app.Tasks.Find(name) is null)
        {
            _log.LogError("Rate limit attempt for unknown task {Task}", name);
            return new JsonObject { ["error"] = "unknown task" };
        }
        _remoteLimits.SetRate(name, rate);
        _remoteLimits.Show(name, "rate_limit", PythonStr(arguments["rate_limit"]));
        // worker_disable_rate_limits still wins, as in Celery (the limiter is never consulted then).
        if (!_app.Options.WorkerDisableRateLimits) _rates.SetRate(name, rate);
        if (disables)
        {
            _log.LogInformation("Rate limits disabled for tasks of type {Task}", name);
            return Ok("rate limit disabled successfully");
        }
        _log.LogInformation("New rate limit for tasks of type {Task}: {Rate}.", name, rate);
        return Ok("new rate limit set successfully");
    }

    /// <summary>The <c>time_limit</c> command: the reply value.</summary>
    internal JsonNode? TimeLimitCommand(JsonObject arguments)
    {
        var name = Text(arguments["task_name"]);
        if (name is null || _app.Tasks.Find(name) is null)
        {
            _log.LogError("Change time limit attempt for unknown task {Task}", name);
            return new JsonObject { ["error"] = "unknown task" };
        }
        var (soft, hard) = (Seconds(arguments["soft"]), Seconds(arguments["hard"]));
        _remoteLimits.SetTimeLimits(name, hard, soft);
        // Celery sets task.soft_time_limit = soft and task.time_limit = hard, None included.
        _remoteLimits.Show(name, "time_limit", PythonStr(arguments["hard"]));
        _remoteLimits.Show(name, "soft_time_limit", PythonStr(arguments["soft"]));
        _log.LogInformation("New time limits for tasks of type {Task}: soft={Soft} hard={Hard}", name, soft, hard);
        return Ok("time limits set successfully");
    }

    /// <summary>
    /// What a command set a task attribute to, as <c>registered</c> shows it (Celery's <c>str(getattr(task, item))</c>);
    /// false when no command set it, so the task's own setting applies.
    /// </summary>
    internal bool TryRemoteAttribute(string taskName, string attribute, out string? value) => _remoteLimits.TryShown(taskName, attribute, out value);

    /// <summary>Python's <c>str()</c> of a JSON argument: a string as it is, None as null, anything else its repr.</summary>
    private static string? PythonStr(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => Protocol.Json.PythonRepr.Format(node, int.MaxValue),
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Seconds as a JSON number or numeric string (the CLI sends floats); null, zero or unreadable is no limit.</summary>
    private static TimeSpan? Seconds(JsonNode? node)
    {
        double seconds;
        if (node is not JsonValue v) return null;
        if (v.GetValueKind() == JsonValueKind.Number) seconds = Protocol.Json.CeleryJson.AsDouble(v) ?? double.NaN;
        else if (v.GetValueKind() != JsonValueKind.String || !double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds)) return null;
        if (double.IsNaN(seconds) || seconds <= 0) return null;
        // A peer may send any float: past TimeSpan's range is as good as no end.
        return seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
    }
}
