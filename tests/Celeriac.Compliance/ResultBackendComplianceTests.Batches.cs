using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <content>Reading many metas at once (<see cref="Backends.IResultBackend.GetManyAsync"/>).</content>
public abstract partial class ResultBackendComplianceTests
{
    [Fact]
    public async Task Many_metas_read_in_one_call_come_back_in_the_order_asked_pending_where_nothing_is_stored()
    {
        // More ids than one batch command of a backend carries (Redis: 1,000 keys per MGET).
        var ids = Enumerable.Range(0, 2500).Select(_ => ComplianceResults.NewId()).ToList();
        var stored = ids.Where((_, i) => i % 2 == 0).Select((id, i) => i % 5 == 0 ? ComplianceResults.Failure(id) : ComplianceResults.Success(id, result: i)).ToList();
        await Worker.StoreAsync(stored);
        var asked = ids.Append(ids[0]).ToList(); // the same id twice reads twice

        var metas = await Backend.GetManyAsync(asked);

        metas.Select(m => m.TaskId).Should().Equal(asked);
        var expected = stored.ToDictionary(m => m.TaskId);
        foreach (var meta in metas)
        {
            if (expected.TryGetValue(meta.TaskId, out var want)) Json(meta).Should().Be(Json(want));
            else meta.Status.Should().Be(TaskStates.Pending);
        }
        (await Backend.GetManyAsync([])).Should().BeEmpty();
    }
}
