using Celeriac.Dashboard.Store;
using Celeriac.Events;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>
/// Writes the cluster's task events into the store, as ingestion does (with the group id the result backend
/// records, which events do not carry), so the API tests read what a real worker did.
/// </summary>
internal sealed class TestEventFeeder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private TestEventFeeder(CancellationTokenSource stop, Task loop) => (_stop, _loop) = (stop, loop);

    public static async Task<TestEventFeeder> StartAsync(CeleriacApp app, IDashboardStore store)
    {
        var receiver = await EventReceiver.OpenAsync(app, "task.#");
        var stop = new CancellationTokenSource();
        return new TestEventFeeder(stop, Task.Run(() => RunAsync(app, receiver, store, stop)));
    }

    private static async Task RunAsync(CeleriacApp app, EventReceiver receiver, IDashboardStore store, CancellationTokenSource _stop)
    {
        await using (receiver)
        {
            try
            {
                await foreach (var e in receiver.ReadAllAsync(_stop.Token))
                {
                    if (e.TaskId is not { } id || State(e.Subject) is not { } state) continue;
                    var at = DateTimeOffset.UnixEpoch.AddSeconds(e.Timestamp ?? 0);
                    string? group = null;
                    if (state is "SUCCESS" or "FAILURE")
                        group = (await app.Result(id).WaitAsync(TimeSpan.FromSeconds(10))).GroupId; // the event can come before the result is stored
                    await store.WriteAsync(new DashboardBatch
                    {
                        Tasks =
                        [
                            new TaskEvent(id, state, at)
                            {
                                Name = e.TaskName, Worker = e.Hostname, Args = e.Args, Kwargs = e.Kwargs, Result = e.Result, Exception = e.Exception,
                                Traceback = e.Traceback, Runtime = e.Runtime, RootId = e.RootId, ParentId = e.ParentId, GroupId = group,
                                Retries = e.Retries is { } r ? (int)r : null, Queue = e.Raw["routing_key"]?.ToString(),
                            },
                        ],
                    });
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        }
    }

    private static string? State(string subject) => subject switch
    {
        "sent" => "PENDING",
        "received" => "RECEIVED",
        "started" => "STARTED",
        "succeeded" => "SUCCESS",
        "failed" => "FAILURE",
        "retried" => "RETRY",
        "revoked" => "REVOKED",
        "rejected" => "REJECTED",
        _ => null,
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
    }
}
