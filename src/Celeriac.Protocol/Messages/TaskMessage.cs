using System.Text.Json.Nodes;

namespace Celeriac.Protocol.Messages;

/// <summary>
/// A Celery task message in the protocol v2 model (docs/protocol.md §1.3–1.4): the header fields, the body's
/// <c>[args, kwargs, embed]</c> and the basic properties. Protocol v1 and hybrid messages are read
/// into the same model by <see cref="TaskMessageCodec"/>.
/// </summary>
internal sealed class TaskMessage
{
    /// <summary>Producer language; <c>py</c> makes us indistinguishable from a Python producer.</summary>
    public string Lang { get; set; } = "py";

    /// <summary>Registered task name, e.g. <c>tasks.add</c>.</summary>
    public required string Task { get; set; }

    /// <summary>Task id; also the result key.</summary>
    public required string Id { get; set; }

    /// <summary>Display name used in logs and events instead of <see cref="Task"/>.</summary>
    public string? Shadow { get; set; }

    /// <summary>Do not start before this instant.</summary>
    public DateTimeOffset? Eta { get; set; }

    /// <summary>Do not start after this instant; the task is revoked as expired instead.</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>Group id when sent as part of a group or chord header.</summary>
    public string? Group { get; set; }

    /// <summary>Position in the group (always set for chord header parts).</summary>
    public int? GroupIndex { get; set; }

    /// <summary>Retries already performed.</summary>
    public int Retries { get; set; }

    /// <summary>Per-message limits, <c>[hard, soft]</c> on the wire.</summary>
    public TimeLimits TimeLimits { get; set; }

    /// <summary>First task of the workflow; the task's own id when it has no parent.</summary>
    public string? RootId { get; set; }

    /// <summary>The task that sent this one.</summary>
    public string? ParentId { get; set; }

    /// <summary>Python-style repr of the args, for display; null lets the codec compute Celery's saferepr.</summary>
    public string? ArgsRepr { get; set; }

    /// <summary>Python-style repr of the kwargs, for display; null lets the codec compute Celery's saferepr.</summary>
    public string? KwargsRepr { get; set; }

    /// <summary>Producer identity, <c>gen&lt;pid&gt;@&lt;host&gt;</c> for clients.</summary>
    public string? Origin { get; set; }

    /// <summary>When true the worker does not store SUCCESS (failures still are; docs/protocol.md §4.2).</summary>
    public bool IgnoreResult { get; set; }

    /// <summary>Times the task was replaced (5.3+ header; written only when non-zero).</summary>
    public int ReplacedTaskNesting { get; set; }

    /// <summary>Headers we do not model (custom user headers, <c>redelivered</c>, 5.3 stamps, …), kept and re-sent.</summary>
    public JsonObject ExtraHeaders { get; set; } = new();

    /// <summary>Positional arguments.</summary>
    public JsonArray Args { get; set; } = new();

    /// <summary>Keyword arguments.</summary>
    public JsonObject Kwargs { get; set; } = new();

    /// <summary>Callbacks, errbacks, chain and chord carried in the body.</summary>
    public TaskEmbed Embed { get; set; } = new();

    /// <summary>Basic properties (correlation id, reply-to, priority, expiration).</summary>
    public MessageProperties Properties { get; set; } = new();

    /// <summary>The name to show: <see cref="Shadow"/> when set, else <see cref="Task"/>.</summary>
    public string DisplayName => Shadow ?? Task;
}
