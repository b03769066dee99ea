using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac;

/// <summary>Turns result tuples into handles (Celery's <c>result_from_tuple</c>).</summary>
internal static class TaskResults
{
    public static ITaskResult From(CeleriacApp app, IResultBackend backend, ResultTuple tuple)
    {
        var parent = tuple.Parent is { } p ? From(app, backend, p) : null;
        if (tuple.Members is { } members)
            return new GroupResult(app, backend, tuple.Id, members.Select(m => From(app, backend, m)).ToList()) { Parent = parent };
        return new AsyncResult(app, tuple.Id, backend) { Parent = parent };
    }

    /// <summary>
    /// The same tuple with <paramref name="parent"/> set on its first ancestor that has none: a
    /// chain step whose result is a chord's body gets its parent on the chord's header group, as
    /// Celery's <c>prepare_steps</c> links them.
    /// </summary>
    public static ResultTuple WithRootParent(ResultTuple tuple, ResultTuple parent) =>
        tuple.Parent is null ? tuple with { Parent = parent } : tuple with { Parent = WithRootParent(tuple.Parent, parent) };
}
