using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Canvas;

/// <summary>
/// Celery's <c>chord.run</c> and the backend's <c>apply_chord</c>: freezes the body and the header,
/// prepares the join (nothing for a native join but saving a header with nested groups;
/// <c>celery.chord_unlock</c> otherwise, docs/protocol.md §4.9), then sends the header.
/// </summary>
internal static class ChordRun
{
    /// <summary>
    /// Runs the chord: <paramref name="options"/> are the chord's (they go to the body, and all but
    /// chain and chord to the header); <paramref name="partialArgs"/> go to every header task;
    /// <paramref name="taskId"/> is the body's id when it has none. Returns the body's result, whose
    /// parent is the header's group result.
    /// </summary>
    public static async Task<ITaskResult> RunAsync(CeleriacApp app, Group header, Signature body, JsonArray partialArgs, JsonObject options, string? taskId,
        CancellationToken cancellationToken, JsonNode? interval = null, double countdown = 1, JsonNode? maxRetries = null)
    {
        EnsureAllowed(app);
        var groupId = header.Id ?? Guid.NewGuid().ToString();
        var rootId = body.Options["root_id"]?.GetValue<string>();
        // The chord's own options become the body's (a chain's rest rides on to after the body) ...
        options.Remove("task_id");
        foreach (var (key, value) in options) body.Options[key] = value?.DeepClone();
        var bodyResult = body.FreezeCore(new FreezeOptions { Id = taskId, RootId = rootId, ReplyTo = app.Publisher.Oid });
        // ... but never the header's: a header task must not carry the chain or an outer chord (docs/protocol.md §1.9).
        options.Remove("chain");
        options.Remove("chord");
        // Nor the chord's own place in an outer header (a replaced part): it would override every
        // member's index. (Celery passes it on; its members then share one index.)
        options.Remove("group_index");
        var headerResult = header.FreezeCore(new FreezeOptions { GroupId = groupId, Chord = body.ToJson(), RootId = rootId, ReplyTo = app.Publisher.Oid });

        if (header.Tasks.Count > 0)
        {
            await PrepareJoinAsync(app, headerResult, body, interval, countdown, maxRetries, cancellationToken).ConfigureAwait(false);
            options["task_id"] = groupId;
            await header.Clone(partialArgs, null, options).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // No header task will ever complete the chord: the body runs at once with no results.
            await body.Clone([new JsonArray()]).SendWorkflowAsync(app, cancellationToken).ConfigureAwait(false);
        }
        // Celery's chord.run sets the body result's parent to the header outright: a chain body's
        // last result leads straight to the header (chord.freeze, for a nested chord, links its root instead).
        return TaskResults.From(app, app.Backend, bodyResult with { Parent = headerResult });
    }

    /// <summary>Celery's <c>ensure_chords_allowed</c>: a chord cannot join without a result backend.</summary>
    public static void EnsureAllowed(CeleriacApp app)
    {
        if (app.Backend is DisabledResultBackend)
            throw new InvalidOperationException(
                "A chord needs a result backend to collect its header's results: set CeleriacOptions.ResultBackend (result_backend), e.g. \"redis://host:6379/1\".");
        app.Backend.EnsureChordsAllowed();
    }

    private static async Task PrepareJoinAsync(CeleriacApp app, ResultTuple header, Signature body, JsonNode? interval, double countdown, JsonNode? maxRetries,
        CancellationToken cancellationToken)
    {
        if (app.Backend is IChordJoin)
        {
            // The native join reads a saved group when the header holds nested group results, to keep their shape (Redis apply_chord).
            if (header.Members!.Any(m => m.IsGroup))
                await app.Backend.SaveGroupAsync(header.Id, header.ToJson(), cancellationToken).ConfigureAwait(false);
            return;
        }
        // No native join: celery.chord_unlock polls the header, on the body's queue with the body's priority (fallback_chord_unlock).
        var definition = app.Tasks.Find(body.Task);
        var bodyOptions = SignatureOptions.ToSendOptions(body.Options);
        var queue = bodyOptions.Queue ?? definition?.Options.Queue ?? app.Publisher.Route(body.Task, null, definition).RoutingKey;
        var kwargs = new JsonObject
        {
            ["interval"] = interval?.DeepClone(),
            ["max_retries"] = maxRetries?.DeepClone(),
            ["result"] = new JsonArray(header.Members!.Select(m => (JsonNode?)m.ToJson()).ToArray()),
        };
        var send = new TaskSendOptions
        {
            Countdown = TimeSpan.FromSeconds(countdown),
            Queue = queue,
            Priority = bodyOptions.Priority ?? definition?.Options.Priority ?? 0,
            IgnoreResult = true,
        };
        await app.SendAsync("celery.chord_unlock", [header.Id, body.ToJson()], kwargs, send, cancellationToken, eager: false).ConfigureAwait(false);
    }
}
