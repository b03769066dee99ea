using Celeriac.Protocol.Results;

namespace Celeriac.Tests;

/// <summary>Eager runs that end in Reject or Ignore are over at once, as Celery's EagerResult is.</summary>
public sealed class EagerRejectIgnoreTests
{
    [Fact]
    public async Task An_eager_Reject_reports_REJECTED_and_GetAsync_returns_null_without_waiting()
    {
        await using var app = CeleriacApp.Create(o => o.AlwaysEager = true);
        var refusing = app.Task("e.reject", (TaskContext ctx) => { throw ctx.Reject(requeue: false); });

        var result = await refusing.DelayAsync();

        result.State.Should().Be(TaskStates.Rejected);
        (await result.GetAsync(TimeSpan.FromSeconds(1))).Should().BeNull();
    }

    [Fact]
    public async Task An_eager_Ignore_reports_IGNORED_and_a_typed_handle_keeps_it()
    {
        await using var app = CeleriacApp.Create(o => o.AlwaysEager = true);
        var ignoring = app.Task("e.ignore", (Func<TaskContext, int>)(ctx => throw ctx.Ignore()));

        var result = await ignoring.DelayAsync();

        result.State.Should().Be(TaskStates.Ignored);
        result.IsReady.Should().BeFalse();
        (await result.WaitAsync(TimeSpan.FromSeconds(1))).Status.Should().Be(TaskStates.Ignored);
    }
}
