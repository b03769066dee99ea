using Celeriac.Dashboard.Ingestion;

namespace Celeriac.Dashboard.Tests.Ingestion;

public sealed class DashboardChangesTests
{
    [Fact]
    public async Task Changes_gather_per_listener_until_taken_capped_at_200_task_ids()
    {
        var changes = new DashboardChanges();
        using var listener = changes.Listen();
        changes.Publish(Enumerable.Range(0, 150).Select(i => $"t{i}"), ["celery@a"]);
        changes.Publish(Enumerable.Range(100, 150).Select(i => $"t{i}"), ["celery@b", "celery@a"]);

        var change = await listener.TakeAsync(CancellationToken.None);
        change.Tasks.Should().HaveCount(DashboardChanges.MaxTaskIds).And.OnlyHaveUniqueItems();
        change.Workers.Should().BeEquivalentTo(["celery@a", "celery@b"]);

        var next = listener.TakeAsync(CancellationToken.None);
        next.IsCompleted.Should().BeFalse("everything was taken");
        changes.Publish([], []);
        next.IsCompleted.Should().BeFalse("an empty batch is no change");
        changes.Publish(["t9"], []);
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Tasks.Should().Equal("t9");

        using var cancel = new CancellationTokenSource();
        var waiting = listener.TakeAsync(cancel.Token);
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        listener.Dispose();
        changes.ListenerCount.Should().Be(0);
    }
}
