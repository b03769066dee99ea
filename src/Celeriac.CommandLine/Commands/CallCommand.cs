using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Celeriac.CommandLine.Output;
using Celeriac.Protocol.Json;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>celeriac call</c>: Celery's <c>celery call</c> — send a task by name (no task code needed, so it may be one
/// only a Python worker has) and print its id; <c>--wait</c> also waits for its result and exits 1 if it failed.
/// </summary>
internal static class CallCommand
{
    public static readonly string[] Examples =
    [
        "celeriac call tasks.add -a '[2, 2]' -b redis://localhost:6379/0",
        "celeriac call tasks.add -a '[2, 2]' --wait --result-backend redis://localhost:6379/1",
        "celeriac call tasks.report -k '{\"day\": \"monday\"}' --countdown 60 --expires 3600 --queue reports",
        "celeriac call tasks.add -a '[1, 2]' --eta 2026-12-24T18:00:00Z --json",
    ];

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var name = new Argument<string>("name") { Description = "The task's name, e.g. tasks.add." };
        var args = new Option<string>("--args", "-a") { Description = "Positional arguments, a JSON array.", DefaultValueFactory = _ => "[]" };
        var kwargs = new Option<string>("--kwargs", "-k") { Description = "Keyword arguments, a JSON object.", DefaultValueFactory = _ => "{}" };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for the result and print it; exit 1 if the task failed (needs a result backend)." };
        var waitTimeout = new Option<string?>("--wait-timeout")
        {
            Description = "With --wait, give up after this many seconds (exit 1; the task may still run). Default: wait until it is done or Ctrl+C.",
        };
        var traceback = new Option<bool>("--traceback") { Description = "With --wait, print a failed task's traceback too." };
        var send = new CallSendOptions();
        var command = new Command("call", "Send a task by name and print its id (--wait: and its result).") { name, args, kwargs };
        send.AddTo(command);
        command.Add(wait);
        command.Add(waitTimeout);
        command.Add(traceback);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var call = new Call(
                parsed.GetValue(name)!,
                (JsonArray)JsonArgument.Parse("-a/--args", parsed.GetValue(args)!, JsonValueKind.Array),
                (JsonObject)JsonArgument.Parse("-k/--kwargs", parsed.GetValue(kwargs)!, JsonValueKind.Object),
                send.Read(parsed));
            if (!parsed.GetValue(wait)) return await SendAsync(output, settings, call, cancellationToken).ConfigureAwait(false);
            ResultBackendRequirement.Check(settings, "call --wait");
            var timeout = ReadTimeout(parsed.GetValue(waitTimeout));
            return await SendAndWaitAsync(output, settings, call, timeout, parsed.GetValue(traceback), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> SendAsync(TextWriter output, CliSettings settings, Call call, CancellationToken cancellationToken)
    {
        var lease = CliAppFactory.Open(settings);
        await using (lease.ConfigureAwait(false))
        {
            var app = lease.App;
            var sent = await call.SendAsync(app, cancellationToken).ConfigureAwait(false);
            await WriteIdAsync(output, settings, sent.Id).ConfigureAwait(false);
            return CliExitCode.Ok;
        }
    }

    private static async Task<int> SendAndWaitAsync(TextWriter output, CliSettings settings, Call call, TimeSpan? timeout, bool traceback, CancellationToken cancellationToken)
    {
        var lease = CliAppFactory.Open(settings);
        await using (lease.ConfigureAwait(false))
        {
            var app = lease.App;
            var sent = await call.SendAsync(app, cancellationToken).ConfigureAwait(false);
            // The id first, as without --wait: whoever gives up waiting still knows what to ask `result` about.
            if (!settings.Json) await output.WriteLineAsync(sent.Id).ConfigureAwait(false);
            Protocol.Results.ResultMeta meta;
            try
            {
                meta = await TerminalProgress.RunAsync(CliConsole.For(output), $"Waiting for {call.Name}[{sent.Id}]…",
                    _ => sent.WaitAsync(timeout, cancellationToken)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new CliException(CliExitCode.Failure,
                    $"task {sent.Id} was not done within {timeout!.Value.TotalSeconds:0.###} s; it may still run: celeriac result {sent.Id}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new CliException(CliExitCode.Failure, $"cancelled while waiting; task {sent.Id} was sent and may still run: celeriac result {sent.Id}");
            }
            await ResultOutput.WriteAsync(output, meta, settings.Json, traceback).ConfigureAwait(false);
            return ResultOutput.ExitCode(meta);
        }
    }

    private static Task WriteIdAsync(TextWriter output, CliSettings settings, string id) =>
        output.WriteLineAsync(settings.Json ? PythonJson.Dumps(new JsonObject { ["id"] = id }) : id);

    private static TimeSpan? ReadTimeout(string? text)
    {
        if (text is null) return null;
        var seconds = CallSendOptions.Seconds("--wait-timeout", text);
        return seconds is > 0
            ? TimeSpan.FromSeconds(seconds.Value)
            : throw CliException.Usage($"--wait-timeout '{text}' is not a positive number of seconds (e.g. --wait-timeout 30)");
    }

    /// <summary>One task to send: what the command line said.</summary>
    private sealed record Call(string Name, JsonArray Args, JsonObject Kwargs, TaskSendOptions Options)
    {
        // By name, never eagerly: the standalone tool has no task code, an app's own would otherwise run in place.
        public Task<AsyncResult> SendAsync(CeleriacApp app, CancellationToken cancellationToken) =>
            app.SendAsync(Name, Args, Kwargs, Options, cancellationToken, definition: null, eager: false);
    }
}
