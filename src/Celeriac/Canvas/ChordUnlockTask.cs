using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;
using Microsoft.Extensions.Logging;

namespace Celeriac.Canvas;

/// <summary>
/// <c>celery.chord_unlock(group_id, callback, interval=None, max_retries=None, result=None)</c>
/// (docs/protocol.md §4.9): the producer sends it for backends without a native chord join. It checks the
/// header's results (the <c>result</c> kwarg holds their tuples), retries itself every
/// <c>interval</c> (default <c>result_chord_retry_interval</c>) while one is not ready, then sends
/// the body with the results, or fails it with <c>ChordError</c>.
/// </summary>
internal sealed class ChordUnlockTask(CeleriacApp app)
{
    public const string Name = "celery.chord_unlock";

    private readonly ILogger _log = app.Options.LoggerFactory.CreateLogger("Celeriac.Canvas");

    public async Task RunAsync(TaskArguments all, TaskContext context)
    {
        var groupId = Argument(all, 0, "group_id")?.GetValue<string>() ?? throw new Exceptions.TaskArgumentException("celery.chord_unlock() missing required argument: 'group_id'");
        var callback = Signature.FromJson(Argument(all, 1, "callback"));
        var interval = Argument(all, 2, "interval") is JsonValue i && i.TryGetValue<double>(out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var maxRetries = Argument(all, 3, "max_retries") is JsonValue m && m.TryGetValue<int>(out var max) ? max : (int?)null;
        var header = (Argument(all, 4, "result") as JsonArray ?? []).Select(ResultTuple.FromJson).ToList();

        bool ready;
        try
        {
            ready = await HeaderResults.AllReadyAsync(app.Backend, header, context.Cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw context.Retry(ex, interval, maxRetries: maxRetries);
        }
        if (!ready) throw context.Retry(countdown: interval, maxRetries: maxRetries);

        var (values, failure) = await HeaderResults.CollectAsync(header, id => app.Backend.GetAsync(id, context.Cancellation).AsTask()).ConfigureAwait(false);
        if (failure is not null)
        {
            _log.LogWarning("Chord {GroupId}: {Reason}", groupId, failure);
            await ChordCallback.FailAsync(app, callback, failure, _log, context.Cancellation).ConfigureAwait(false);
            return;
        }
        var sender = new JsonObject { ["parent_id"] = context.TaskId, ["root_id"] = context.RootId };
        await ChordCallback.SendAsync(app, callback, values, sender, _log, context.Cancellation).ConfigureAwait(false);
    }

    /// <summary>A parameter given by position or by keyword, as Python binds them.</summary>
    private static JsonNode? Argument(TaskArguments all, int position, string keyword) =>
        position < all.Args.Count ? all.Args[position] : all.Kwargs[keyword];
}
