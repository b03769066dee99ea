using System.Text.Json.Nodes;
using Celeriac.Exceptions;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;

namespace Celeriac.Tests;

/// <summary>
/// The captured Python run (vectors <c>task_v2_retry_republished</c>, <c>result_retry</c>,
/// <c>result_success_after_retry</c>), replayed on our worker: Python's client message goes in,
/// <c>tasks.flaky</c> calls <c>retry(exc=KeyError('not yet'), countdown=2)</c> twice, and what we
/// publish and store must be what the Python worker published and stored.
/// </summary>
public sealed class RetryVectorTests : IAsyncLifetime
{
    private const string Id = "b4000000-0000-4000-8000-000000000004";
    private static readonly JsonArray Messages = RetryTestBed.Vector("task_v2_retry_republished")["messages"]!.AsArray();
    private readonly RetryTestBed _bed = RetryTestBed.Create();
    private int _runs;

    public async Task InitializeAsync()
    {
        _bed.App.Task("tasks.flaky", (int n, TaskContext ctx) =>
        {
            Interlocked.Increment(ref _runs);
            if (ctx.Retries < 2) throw ctx.Retry(new CeleryException("KeyError", "builtins", "not yet"), countdown: TimeSpan.FromSeconds(2));
            return new JsonObject { ["n"] = n, ["retries"] = ctx.Retries };
        });
        await _bed.StartWorkerAsync();
        _bed.Inject(Messages[0]!.AsObject());
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Each_retry_message_is_the_one_the_Python_worker_published()
    {
        var start = _bed.Clock.GetUtcNow();

        var (first, route1, raw1) = await _bed.RetryAsync(Id, 1);
        // Ours differs only where a run must: the eta (our clock), the header origin (this process);
        // the properties carry the origin of the message being retried (the Python client's).
        AssertSameEnvelope(RetryTestBed.Envelope(raw1, route1),
            RetryTestBed.ExpectedEnvelope(Messages[1]!.AsObject(), PythonDateTime.Format(start.AddSeconds(2)), RetryTestBed.OurOrigin, "gen20826@vm"));
        await _bed.FireAtAsync(first.Eta!.Value);

        var (second, route2, raw2) = await _bed.RetryAsync(Id, 2);
        // The second retry was retried from our own first retry: its properties carry our origin.
        AssertSameEnvelope(RetryTestBed.Envelope(raw2, route2),
            RetryTestBed.ExpectedEnvelope(Messages[2]!.AsObject(), PythonDateTime.Format(start.AddSeconds(4)), RetryTestBed.OurOrigin, RetryTestBed.OurOrigin));
        await _bed.FireAtAsync(second.Eta!.Value);

        (await _bed.FinishedAsync(Id)).Should().Be(TaskStates.Success);
        _runs.Should().Be(3);
        _bed.RetriesOf(Id).Should().HaveCount(2);
    }

    [Fact]
    public async Task RETRY_then_SUCCESS_are_stored_as_the_Python_worker_stored_them()
    {
        var expectedRetry = RetryTestBed.Vector("result_retry")["result"]!["decoded"]!.AsObject();

        var (first, _, _) = await _bed.RetryAsync(Id, 1);
        var retry = (await _bed.StoredAsync(Id)).ToJson();
        retry["traceback"]!.GetValue<string>().Should().Contain("Retry in 2s: KeyError('not yet')");
        AssertSameMeta(retry, expectedRetry, ("traceback", retry["traceback"]!.GetValue<string>()));
        (await _bed.App.Result(Id).RefreshAsync()).IsReady.Should().BeFalse("RETRY is not a ready state");

        await _bed.FireAtAsync(first.Eta!.Value);
        var (second, _, _) = await _bed.RetryAsync(Id, 2);
        // The retried message had parent_id = its own id, so from now on the meta carries it.
        var again = (await _bed.StoredAsync(Id)).ToJson();
        AssertSameMeta(again, expectedRetry, ("traceback", again["traceback"]!.GetValue<string>()), ("parent_id", Id));

        await _bed.FireAtAsync(second.Eta!.Value);
        await _bed.FinishedAsync(Id);
        var success = (await _bed.StoredAsync(Id)).ToJson();
        var expectedSuccess = RetryTestBed.Vector("result_success_after_retry")["result"]!["decoded"]!.AsObject();
        AssertSameMeta(success, expectedSuccess, ("date_done", "2030-01-01T00:00:04"));
        (await _bed.App.Result(Id).GetAsync(TimeSpan.FromSeconds(5)))!["retries"]!.GetValue<int>().Should().Be(2);
    }

    private static void AssertSameEnvelope(JsonObject ours, JsonObject python)
    {
        JsonNode.DeepEquals(ours, python).Should().BeTrue($"ours:\n{ours}\npython:\n{python}");
        ours["headers"]!.AsObject().Select(p => p.Key).Should().Equal(python["headers"]!.AsObject().Select(p => p.Key), "header order as Python writes it");
        ours["properties"]!.AsObject().Select(p => p.Key).Should().Equal(python["properties"]!.AsObject().Select(p => p.Key), "property order as kombu writes it");
    }

    private static void AssertSameMeta(JsonObject ours, JsonObject python, params (string Key, string Value)[] runSpecific)
    {
        var expected = python.DeepClone().AsObject();
        foreach (var (key, value) in runSpecific) expected[key] = value;
        // task_id is written last, after the optional keys; rebuild the order Python uses.
        expected.Remove("task_id");
        expected["task_id"] = Id;
        var reordered = new JsonObject();
        foreach (var key in new[] { "status", "result", "traceback", "children", "date_done", "parent_id", "task_id" })
            if (expected.TryGetPropertyValue(key, out var v)) reordered[key] = v?.DeepClone();
        JsonNode.DeepEquals(ours, reordered).Should().BeTrue($"ours:\n{ours}\npython:\n{reordered}");
        ours.Select(p => p.Key).Should().Equal(reordered.Select(p => p.Key));
    }
}
