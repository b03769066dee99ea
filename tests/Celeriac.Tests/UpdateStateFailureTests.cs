using Celeriac.Protocol.Results;
using Celeriac.Tests.Support;

namespace Celeriac.Tests;

/// <summary>
/// <c>UpdateStateAsync</c> says when the backend could not store the state (as Celery's
/// <c>update_state</c> raises), instead of completing as if it had.
/// </summary>
public sealed class UpdateStateFailureTests : IAsyncLifetime
{
    private HookedBackend _backend = null!;
    private readonly TestHarness _h;

    public UpdateStateFailureTests()
    {
        _h = TestHarness.Create(o => HookedBackend.Install(o, b => _backend = b));
        _ = _h.App.Backend; // created now, so _backend is set
        _backend.BeforeStore = metas => metas.Any(m => m.Status == "PROGRESS")
            ? throw new IOException("result backend unreachable")
            : ValueTask.CompletedTask;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_state_the_backend_fails_to_store_throws_its_error_in_the_task()
    {
        var task = _h.App.Task("us.progress", async (TaskContext ctx) =>
        {
            try
            {
                await ctx.UpdateStateAsync("PROGRESS", new { current = 1 });
                return "stored";
            }
            catch (IOException ex)
            {
                return "not stored: " + ex.Message;
            }
        });
        await _h.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await r.GetAsync<string>(TimeSpan.FromSeconds(10))).Should().Be("not stored: result backend unreachable");
    }

    [Fact]
    public async Task Uncaught_it_fails_the_task_with_the_backends_error()
    {
        var task = _h.App.Task("us.uncaught", async (TaskContext ctx) =>
        {
            await ctx.UpdateStateAsync("PROGRESS");
            return "stored";
        });
        var (_, signals) = await _h.StartWorkerAsync();

        var r = await task.DelayAsync();

        (await signals.CompletedAsync(r.Id)).State.Should().Be(TaskStates.Failure);
        var stored = await _h.StoredAsync(r.Id);
        stored.Exception!.Message.Should().Be("result backend unreachable");
    }
}
