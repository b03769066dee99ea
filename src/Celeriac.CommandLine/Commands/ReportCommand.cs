using System.CommandLine;
using System.Text.Json.Nodes;
using Celeriac.CommandLine.Output;
using Celeriac.Control.Mailbox.Commands;
using Celeriac.Protocol.Json;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>celeriac report</c>: Celery's <c>celery report</c> — this tool's versions, the platform and the settings it was
/// given (secrets masked), the text a worker's <c>inspect report</c> gives; with <c>--workers</c> also each worker's own.
/// Without <c>--workers</c> it connects to nothing.
/// </summary>
internal static class ReportCommand
{
    public static readonly string[] Examples =
    [
        "celeriac report -b redis://:secret@localhost:6379/0 --result-backend redis://localhost:6379/1",
        "celeriac report --workers -b amqp://guest@localhost// --json",
    ];

    /// <param name="options">The global options.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="app">An app to report on (embedded mode: its own settings); null reports the command line's settings.</param>
    public static Command Create(GlobalOptions options, TextWriter output, CeleriacApp? app = null)
    {
        var workers = new Option<bool>("--workers", "-w") { Description = "Also ask every worker (or those named by -d) for its report (inspect report)." };
        var command = new Command("report", "Show information useful in bug reports: versions, platform, settings (secrets masked).") { workers };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var reported = app?.Options ?? new CeleriacOptions
            {
                BrokerUrl = settings.BrokerUrl ?? new CeleriacOptions().BrokerUrl,
                ResultBackend = settings.ResultBackend,
            };
            var replies = parsed.GetValue(workers)
                ? await RemoteCall.RequestAsync(settings, "report", new JsonObject(), cancellationToken).ConfigureAwait(false)
                : null;
            if (settings.Json)
            {
                var json = ConfigCommands.ReportJson(reported);
                if (replies is not null) json["workers"] = JsonNode.Parse(ReplyOutput.Json(replies));
                await output.WriteLineAsync(PythonJson.Dumps(json)).ConfigureAwait(false);
                return CliExitCode.Ok;
            }
            await output.WriteAsync(ConfigCommands.Report(reported)).ConfigureAwait(false);
            if (replies is not null)
            {
                await output.WriteLineAsync().ConfigureAwait(false);
                await ReplyOutput.WriteInspectAsync(output, settings, InspectAction.All.Single(a => a.Name == "report").Shape, replies).ConfigureAwait(false);
            }
            return CliExitCode.Ok;
        });
        return command;
    }
}
