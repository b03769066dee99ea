using System.Text.Json.Nodes;

namespace Celeriac.Compliance;

/// <content>Group results (docs/protocol.md §4.6–4.7).</content>
public abstract partial class ResultBackendComplianceTests
{
    [Fact]
    public async Task Saved_group_restores_equal()
    {
        var groupId = ComplianceResults.NewId();
        var members = Enumerable.Range(0, 3).Select(_ => ComplianceResults.NewId()).ToList();
        var tuple = new JsonArray(
            new JsonArray(groupId, null),
            new JsonArray(members.Select(id => (JsonNode?)new JsonArray(new JsonArray(id, null), null)).ToArray()));
        var expected = tuple.ToJsonString();
        if (!SavesGroups)
        {
            await FluentActions.Awaiting(() => Worker.SaveGroupAsync(groupId, tuple).AsTask()).Should().ThrowAsync<NotSupportedException>();
            await FluentActions.Awaiting(() => Backend.RestoreGroupAsync(groupId).AsTask()).Should().ThrowAsync<NotSupportedException>();
            return;
        }

        await Worker.SaveGroupAsync(groupId, tuple);
        var restored = await Backend.RestoreGroupAsync(groupId);

        restored.Should().NotBeNull();
        restored!.ToJsonString().Should().Be(expected);
        restored[1]!.AsArray().Select(m => m![0]![0]!.GetValue<string>()).Should().Equal(members);
    }

    [Fact]
    public async Task Unknown_group_restores_null()
    {
        if (!SavesGroups) return; // Saved_group_restores_equal checks that restoring throws.
        (await Backend.RestoreGroupAsync(ComplianceResults.NewId())).Should().BeNull();
    }

    [Fact]
    public async Task Group_results_and_task_results_do_not_collide()
    {
        // Python keeps them under different keys (celery-taskset-meta- vs celery-task-meta-).
        var id = ComplianceResults.NewId();
        var success = ComplianceResults.Success(id);
        var tuple = new JsonArray(new JsonArray(id, null), new JsonArray());
        if (!SavesGroups) return; // nothing to collide with

        await Worker.StoreAsync([success]);
        await Worker.SaveGroupAsync(id, tuple);

        await ShouldReadAsync(success);
        (await Backend.RestoreGroupAsync(id))!.ToJsonString().Should().Be(tuple.ToJsonString());
    }
}
