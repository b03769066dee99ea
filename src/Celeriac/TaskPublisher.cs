using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Celeriac.Diagnostics;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;
using Celeriac.Serialization;
using Celeriac.Tasks;
using Celeriac.Transport;

namespace Celeriac;

/// <summary>
/// Builds task messages as a Python producer would (docs/protocol.md §1.3, §1.10, checklist §9) and publishes
/// them to the routed queue, declaring each queue once.
/// </summary>
internal sealed class TaskPublisher(CeleriacApp app)
{
    /// <summary>This process's anonymous node name, Celery's <c>anon_nodename()</c>: the <c>origin</c> header and the <c>task-sent</c> sender.</summary>
    internal static readonly string Origin = $"gen{Environment.ProcessId}@{Environment.MachineName}";
    private readonly ConcurrentDictionary<string, Task> _declared = new(StringComparer.Ordinal);

    /// <summary>A stable per-app id Celery calls the oid; sent as <c>reply_to</c>.</summary>
    public string Oid { get; } = Guid.NewGuid().ToString();

    // Per-message hot path (a client's sends and waits too): compiled optimized at once. Tiered
    // compilation would run it unoptimized, then instrumented, through a process's first seconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TaskMessage Build(string name, JsonArray args, JsonObject kwargs, TaskSendOptions? options, TaskDefinition? definition)
    {
        options ??= new TaskSendOptions();
        var now = app.Options.TimeProvider.GetUtcNow();
        var id = options.TaskId ?? Guid.NewGuid().ToString();
        var parent = TaskContext.Current;
        var eta = options.Eta ?? (options.Countdown is { } c ? now + c : null);
        var expires = options.Expires ?? (options.ExpiresIn is { } e ? now + e : null);

        var headers = new JsonObject();
        foreach (var (key, value) in options.Headers ?? new Dictionary<string, object?>())
            headers[key] = CeleriacJson.ToNode(value, app.Options.Json);

        return new TaskMessage
        {
            Task = name,
            Id = id,
            Shadow = options.Shadow,
            Eta = eta,
            Expires = expires,
            TimeLimits = new TimeLimits(options.TimeLimit?.TotalSeconds, options.SoftTimeLimit?.TotalSeconds),
            Group = options.GroupId,
            GroupIndex = options.GroupIndex,
            RootId = options.RootId ?? parent?.RootId ?? id,
            ParentId = options.ParentId ?? parent?.TaskId,
            ArgsRepr = PythonRepr.FormatTuple(args),
            KwargsRepr = PythonRepr.Format(kwargs),
            Origin = Origin,
            IgnoreResult = options.IgnoreResult ?? false,
            ExtraHeaders = headers,
            Args = args,
            Kwargs = kwargs,
            Embed = options.Embed ?? new TaskEmbed(),
            Properties = new MessageProperties
            {
                CorrelationId = id,
                ReplyTo = options.ReplyTo ?? Oid,
                DeliveryMode = 2,
                Priority = options.Priority ?? definition?.Options.Priority ?? app.Options.DefaultPriority,
                // Celery 5.2.6's replace passes replaced_task_nesting to apply_async; kombu makes it a property.
                Extra = options.ReplacedTaskNesting is { } nesting ? new JsonObject { ["replaced_task_nesting"] = nesting } : null,
                // Remaining lifetime in ms at send time, clamped at 0 (docs/protocol.md §1.10).
                Expiration = expires is { } x ? Math.Max(0, (long)(x - now).TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : null,
            },
        };
    }

    /// <summary>
    /// The retry of <paramref name="current"/> as Python's <c>Task.retry</c> sends it (docs/protocol.md §5.5): same
    /// id, name, workflow ids, group, embed, expiry, limits, headers and priority; <c>retries + 1</c>;
    /// the new eta; <c>parent_id</c> the task itself when it had none; our origin in the header and
    /// the original's in the properties (vector <c>task_v2_retry_republished</c>).
    /// </summary>
    public TaskMessage BuildRetry(TaskMessage current, Exceptions.RetryException retry)
    {
        var properties = current.Properties.Clone();
        properties.Extra ??= new JsonObject();
        properties.Extra["replaced_task_nesting"] = current.ReplacedTaskNesting;
        properties.Extra["origin"] = current.Origin ?? Origin;
        // The retry is a new send: expiration is the lifetime left now, not the original's (docs/protocol.md §1.10).
        var now = app.Options.TimeProvider.GetUtcNow();
        properties.Expiration = current.Expires is { } x
            ? Math.Max(0, (long)(x - now).TotalMilliseconds).ToString(CultureInfo.InvariantCulture)
            : null;
        return new TaskMessage
        {
            Lang = current.Lang,
            Task = current.Task,
            Id = current.Id,
            Shadow = current.Shadow,
            Eta = retry.Eta,
            Expires = current.Expires,
            Group = current.Group,
            GroupIndex = current.GroupIndex,
            Retries = current.Retries + 1,
            TimeLimits = current.TimeLimits,
            RootId = current.RootId ?? current.Id,
            ParentId = current.ParentId ?? current.Id,
            ArgsRepr = retry.Args is null ? current.ArgsRepr : null,
            KwargsRepr = retry.Kwargs is null ? current.KwargsRepr : null,
            Origin = Origin,
            IgnoreResult = current.IgnoreResult,
            ReplacedTaskNesting = current.ReplacedTaskNesting,
            ExtraHeaders = WithoutRedelivered(current.ExtraHeaders),
            Args = (JsonArray)(retry.Args ?? current.Args).DeepClone(),
            Kwargs = (JsonObject)(retry.Kwargs ?? current.Kwargs).DeepClone(),
            Embed = current.Embed,
            Properties = properties,
        };
    }

    /// <summary>kombu's restore marker belongs to one delivery, not to the retry.</summary>
    private static JsonObject WithoutRedelivered(JsonObject headers)
    {
        var copy = (JsonObject)headers.DeepClone();
        copy.Remove("redelivered");
        QueueWait.Forget(copy); // the original's send time; the retry's own is stamped when it is published
        return copy;
    }

    /// <summary>The route for a task: explicit queue, the task's queue, <c>task_routes</c>, then the default queue.</summary>
    public DeliveryInfo Route(string name, TaskSendOptions? options, TaskDefinition? definition)
    {
        var queue = options?.Queue ?? definition?.Options.Queue ?? MatchRoute(name) ?? app.Options.DefaultQueue;
        return options?.Exchange is { Length: > 0 } exchange
            ? new DeliveryInfo(exchange, options.RoutingKey ?? queue)
            : DeliveryInfo.ToQueue(queue);
    }

    public async ValueTask PublishAsync(TaskMessage message, DeliveryInfo route, CancellationToken cancellationToken)
    {
        var transport = app.Transport;
        var metrics = app.Metrics;
        var started = CeleriacMetrics.Start(metrics.PublishDuration);
        // Every task message goes out here (sends, canvas, retries, what a run carries on), so this is
        // where the producer span starts and the trace context enters the headers (docs/interop.md, "Tracing").
        using var span = Diagnostics.PublishTracing.Start(app, message, route);
        try
        {
            await PrepareAsync(route, cancellationToken).ConfigureAwait(false);
            // Only while someone measures queue waits: otherwise the bytes are Celery's own (Diagnostics/QueueWait.cs).
            if (metrics.QueueWait.Enabled) QueueWait.Stamp(message, app.Options.TimeProvider.GetUtcNow());
            await transport.PublishAsync(TaskMessageCodec.Encode(message), route, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (span is not null)
        {
            Diagnostics.PublishTracing.Failed(span, ex);
            throw;
        }
        metrics.Published(message.Task, route.RoutingKey, started);
        if (app.Options.TaskSendSentEvent) app.TaskSentEvent(message, route);
    }

    /// <summary>
    /// What a send does before the message goes out: declares the routed queue once and lets the
    /// backend prepare (an <c>rpc://</c> reply queue). A beat calls it for the runs it hands to its store.
    /// </summary>
    public async ValueTask PrepareAsync(DeliveryInfo route, CancellationToken cancellationToken)
    {
        if (route.Exchange.Length == 0) await DeclareOnceAsync(app.Transport, route.RoutingKey).ConfigureAwait(false);
        await app.Backend.BeforeSendAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Declares <paramref name="queue"/> the first time it is sent to. Concurrent first sends share
    /// one declare; a declare that fails is forgotten, so the next send tries again instead of every
    /// later send to the queue failing with the same error until a restart (a broker blip would
    /// otherwise poison the queue for the app's lifetime).
    /// </summary>
    private async ValueTask DeclareOnceAsync(ITransport transport, string queue)
    {
        var declare = _declared.GetOrAdd(queue, static (q, t) => t.DeclareQueueAsync(q, CancellationToken.None).AsTask(), transport);
        if (declare.IsCompletedSuccessfully) return;
        try
        {
            await declare.ConfigureAwait(false);
        }
        catch
        {
            // Only this failed declare: a retry another sender already started stays.
            _declared.TryRemove(new KeyValuePair<string, Task>(queue, declare));
            throw;
        }
    }

    /// <summary>
    /// Celery's <c>MapRoute</c> (celery/app/routes.py): an exact name first; then glob keys in order,
    /// where <c>*</c> is <c>.+?</c>, every other character is literal and the match is anchored at the
    /// start only (Python's <c>re.match</c>).
    /// </summary>
    private string? MatchRoute(string name)
    {
        var routes = app.Options.Routes;
        if (!name.Contains('*') && routes.TryGetValue(name, out var exact)) return exact;
        foreach (var (pattern, queue) in routes)
        {
            if (!pattern.Contains('*')) continue;
            var regex = @"\A" + string.Join(".+?", pattern.Split('*').Select(Regex.Escape));
            if (Regex.IsMatch(name, regex, RegexOptions.CultureInvariant)) return queue;
        }
        return null;
    }
}
