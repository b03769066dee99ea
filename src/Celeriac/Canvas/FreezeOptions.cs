using System.Text.Json.Nodes;

namespace Celeriac.Canvas;

/// <summary>
/// The arguments of Celery's <c>freeze(_id, group_id, chord, root_id, parent_id, group_index)</c>
/// plus the <c>reply_to</c> (the app's oid) a frozen task records.
/// </summary>
internal readonly record struct FreezeOptions
{
    /// <summary>The id to use when the signature has none yet.</summary>
    public string? Id { get; init; }

    /// <summary>The group (or chord header) the task belongs to.</summary>
    public string? GroupId { get; init; }

    /// <summary>The chord body the task contributes to (its wire form).</summary>
    public JsonObject? Chord { get; init; }

    /// <summary>The workflow's root task id.</summary>
    public string? RootId { get; init; }

    /// <summary>The task that sends this one.</summary>
    public string? ParentId { get; init; }

    /// <summary>Position in a chord header.</summary>
    public int? GroupIndex { get; init; }

    /// <summary>The app's oid, recorded as <c>reply_to</c>.</summary>
    public string? ReplyTo { get; init; }
}
