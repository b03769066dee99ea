using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// The graph of a workflow (<c>GET api/workflows/{root_id}</c>). Celery 5.2.6 gives a chain's steps the first
/// step's id as <c>root_id</c> and the previous step as <c>parent_id</c>, but the members of a group or chord
/// header applied from a client are each their own root, sharing only <c>group_id</c>; a chord's body is sent by
/// the header task that finished last (its parent), with that task's root. So the graph is collected by
/// closure: the tasks of a root, the members of every group among them, the tasks of those members' roots, and
/// so on (at most <see cref="MaxNodes"/>). Edges: parent → child ("parent"); a group sent by a task → each
/// member ("group"); every header member → the chord body ("chord").
/// </summary>
internal static class WorkflowGraph
{
    public const int MaxNodes = 2000;

    public static async Task<WorkflowJson?> BuildAsync(HttpContext context, string rootId)
    {
        var store = context.RequestServices.GetRequiredService<IDashboardStore>();
        var ct = context.RequestAborted;
        var nodes = new Dictionary<string, TaskRecord>(StringComparer.Ordinal);
        var roots = new Queue<string>([rootId]);
        var seenRoots = new HashSet<string>(StringComparer.Ordinal) { rootId };
        var seenGroups = new HashSet<string>(StringComparer.Ordinal);
        while (roots.Count > 0 && nodes.Count < MaxNodes)
        {
            var added = new List<TaskRecord>();
            foreach (var t in await store.GetWorkflowAsync(roots.Dequeue(), ct).ConfigureAwait(false))
                if (nodes.TryAdd(t.Id, t)) added.Add(t);
            for (var i = 0; i < added.Count && nodes.Count < MaxNodes; i++)
            {
                if (added[i].GroupId is not { } group || !seenGroups.Add(group)) continue;
                var members = await store.QueryTasksAsync(new TaskQuery { GroupId = group, Limit = 1000, Ascending = true }, ct).ConfigureAwait(false);
                foreach (var m in members.Tasks)
                {
                    if (nodes.TryAdd(m.Id, m)) added.Add(m);
                    var memberRoot = m.RootId ?? m.Id;
                    if (seenRoots.Add(memberRoot)) roots.Enqueue(memberRoot);
                }
            }
        }
        if (nodes.Count == 0) return null;
        return Shape(rootId, nodes) with { Truncated = nodes.Count >= MaxNodes && (roots.Count > 0) ? true : null };
    }

    private static WorkflowJson Shape(string rootId, Dictionary<string, TaskRecord> nodes)
    {
        var members = nodes.Values.Where(n => n.GroupId is not null).GroupBy(n => n.GroupId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        // A chord body: the one task outside a group whose parent is a member of it (no other member has a child there).
        var bodies = new Dictionary<string, string>(StringComparer.Ordinal); // body id → group id
        foreach (var (group, list) in members)
        {
            var ids = list.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            var outside = nodes.Values.Where(n => n.ParentId is { } p && ids.Contains(p) && n.GroupId != group).ToList();
            if (outside.Count == 1) bodies[outside[0].Id] = group;
        }
        var edges = new List<WorkflowEdge>();
        foreach (var n in nodes.Values)
        {
            if (bodies.TryGetValue(n.Id, out var headerGroup))
            {
                edges.AddRange(members[headerGroup].Select(m => new WorkflowEdge(m.Id, n.Id, "chord")));
                continue;
            }
            if (n.ParentId is { } parent && nodes.ContainsKey(parent))
                edges.Add(new WorkflowEdge(parent, n.Id, n.GroupId is not null && nodes[parent].GroupId != n.GroupId ? "group" : "parent"));
        }
        var headers = bodies.Values.ToHashSet(StringComparer.Ordinal);
        var shaped = nodes.Values.OrderBy(n => n.FirstSeen).Select(n => new WorkflowNode(n.Id, n.Name, n.State, n.ParentId, n.GroupId, n.Runtime, n.Worker,
            bodies.ContainsKey(n.Id) ? "body" : n.GroupId is { } g ? (headers.Contains(g) ? "header" : "group") : "chain")).ToList();
        return new WorkflowJson(rootId, shaped, edges);
    }
}

/// <summary>The workflow's JSON.</summary>
internal sealed record WorkflowJson(string RootId, IReadOnlyList<WorkflowNode> Nodes, IReadOnlyList<WorkflowEdge> Edges)
{
    /// <summary>True when the workflow has more than <see cref="WorkflowGraph.MaxNodes"/> tasks and the rest were not gathered.</summary>
    public bool? Truncated { get; init; }
}

/// <summary>One task of a workflow; <see cref="Kind"/> is <c>chain</c>, <c>group</c>, <c>header</c> (of a chord) or <c>body</c>.</summary>
internal sealed record WorkflowNode(string Id, string? Name, string State, string? ParentId, string? GroupId, double? Runtime, string? Worker, string Kind);

/// <summary>An edge: <c>parent</c> (a chain step or a callback), <c>group</c> (a task sent a group), <c>chord</c> (header member → body).</summary>
internal sealed record WorkflowEdge(string From, string To, string Kind);
