using System.Text.Json.Nodes;
using Celeriac.Compliance;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>
/// Python Celery 5.2.6 (python/interop.py) and Celeriac on one Redis result backend, both ways:
/// results, failures, waking waiters, groups and the chord join.
/// </summary>
public sealed class PythonInteropTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private Celeriac.Redis.Backend.RedisResultBackend _backend = null!;
    private RedisClient _raw = null!;

    private string Url => redis.Server.Url(1);

    public Task InitializeAsync()
    {
        _backend = TestBackends.Create(redis.Server);
        _raw = new RedisClient(redis.Server.Options(database: 1));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _raw.DisposeAsync();
    }

    [PythonInteropFact]
    public async Task Python_gets_the_value_we_stored()
    {
        var success = ComplianceResults.Success(ComplianceResults.NewId());
        await _backend.StoreAsync([success]);

        var got = await PythonCelery.RunAsync(Url, "get", success.TaskId, "10");

        got["state"]!.GetValue<string>().Should().Be("SUCCESS");
        JsonNode.DeepEquals(got["value"], success.Result).Should().BeTrue(got.ToJsonString());
    }

    [PythonInteropTheory]
    [InlineData("ValueError", "builtins", "ValueError", "builtins")]
    [InlineData("InvalidOperationException", "System", "InvalidOperationException", "celery.exceptions")]
    public async Task Python_raises_the_failure_we_stored(string type, string module, string pythonType, string pythonModule)
    {
        var failure = new ResultMeta
        {
            TaskId = ComplianceResults.NewId(),
            Status = TaskStates.Failure,
            Result = ExceptionInfo.Of(type, module, "it broke: é").ToJson(),
            Traceback = "   at Tasks.Run()",
            DateDone = ComplianceResults.DateDone,
        };
        await _backend.StoreAsync([failure]);

        var got = await PythonCelery.RunAsync(Url, "get", failure.TaskId, "10");

        got["state"]!.GetValue<string>().Should().Be("FAILURE");
        var raised = got["raised"]!;
        raised["exc_type"]!.GetValue<string>().Should().Be(pythonType);
        raised["exc_module"]!.GetValue<string>().Should().Be(pythonModule, "an unknown module makes Python synthesize the class (docs/protocol.md §4.4)");
        raised["message"]!.GetValue<string>().Should().Be("it broke: é");
    }

    [PythonInteropFact]
    public async Task A_Python_client_blocked_in_get_is_woken_by_our_publish()
    {
        var success = ComplianceResults.Success(ComplianceResults.NewId(), result: 42);
        var key = "celery-task-meta-" + success.TaskId;
        await using var monitor = await MonitorRecorder.StartAsync(redis.Server.Port);
        await using var python = PythonCelery.Start(Url, "wait", success.TaskId, "30");
        (await python.NextAsync(Wait))["event"]!.GetValue<string>().Should().Be("waiting");

        // Subscribed, and its one read of the key done: from now on only a PUBLISH can wake it.
        await Eventually.SucceedsAsync(async () =>
        {
            var subscribers = (await _raw.ExecuteAsync(new RedisCommand("PUBSUB", "NUMSUB", key))).AsArray()[1].AsInt64();
            var marker = Guid.NewGuid().ToString();
            await _raw.ExecuteAsync(new RedisCommand("ECHO", marker));
            var read = (await monitor.UntilAsync(marker, Wait)).Any(c => c.Name is "GET" or "MGET" && c.Arguments.Contains(key) && !c.FromScript);
            return subscribers == 1 && read ? true : throw new InvalidOperationException($"subscribed {subscribers}, read {read}");
        }, Wait);
        await _backend.StoreAsync([success]);

        var got = await python.ResultAsync(Wait);
        got["state"]!.GetValue<string>().Should().Be("SUCCESS");
        got["value"]!.GetValue<int>().Should().Be(42);
    }

    [PythonInteropFact]
    public async Task We_read_what_Python_stored()
    {
        var ok = ComplianceResults.NewId();
        var failed = ComplianceResults.NewId();

        await PythonCelery.RunAsync(Url, "store-success", ok, """{"sum": 5, "text": "é ✓"}""");
        await PythonCelery.RunAsync(Url, "store-failure", failed, "boom");

        var success = await _backend.GetAsync(ok);
        success.Status.Should().Be(TaskStates.Success);
        success.Result!.ToJsonString().Should().Be(new JsonObject { ["sum"] = 5, ["text"] = "é ✓" }.ToJsonString());
        using var cts = new CancellationTokenSource(Wait);
        var failure = await _backend.WaitForReadyAsync(failed, cts.Token);
        failure.Exception!.Type.Should().Be("ValueError");
        failure.Exception.Module.Should().Be("builtins");
        failure.Exception.Message.Should().Be("boom");
        failure.DateDone.Should().NotBeNull();
    }

    [PythonInteropFact]
    public async Task Our_waiter_is_woken_by_Python_storing_the_result()
    {
        var id = ComplianceResults.NewId();
        using var cts = new CancellationTokenSource(Wait * 2);
        var waiting = _backend.WaitForReadyAsync(id, cts.Token).AsTask();
        await Eventually.SucceedsAsync(() => _backend.Waiters.SubscribedCount == 1 ? Task.FromResult(true) : throw new InvalidOperationException(), Wait);

        await PythonCelery.RunAsync(Url, "store-state", id, "STARTED", """{"pid": 1, "hostname": "celery@py"}""");
        waiting.IsCompleted.Should().BeFalse("STARTED is not ready");
        await PythonCelery.RunAsync(Url, "store-success", id, "[1, 2]");

        var meta = await waiting.WaitAsync(Wait);
        meta.Status.Should().Be(TaskStates.Success);
        meta.Result!.ToJsonString().Should().Be("[1,2]");
    }

    [PythonInteropFact]
    public async Task Groups_saved_on_one_side_restore_on_the_other()
    {
        var ours = ComplianceResults.NewId();
        var members = new[] { ComplianceResults.NewId(), ComplianceResults.NewId() };
        await _backend.SaveGroupAsync(ours, GroupResultMeta.Of(ours, members).Result.ToJson());
        var theirs = ComplianceResults.NewId();

        var restored = await PythonCelery.RunAsync(Url, "group-restore", ours);
        await PythonCelery.RunAsync(Url, ["group-save", theirs, .. members]);

        restored["restored"]!.GetValue<string>().Should().Be(ours);
        restored["members"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal(members);
        var tuple = await _backend.RestoreGroupAsync(theirs);
        GroupResultMeta.FromJson(new JsonObject { ["result"] = tuple }).Members.Select(m => m.Id).Should().Equal(members);
    }

    [PythonInteropFact]
    public async Task Python_completes_a_chord_whose_other_parts_we_added()
    {
        var groupId = ComplianceResults.NewId();
        await _backend.SetChordSizeAsync(groupId, 3);
        await _backend.AddChordPartAsync(groupId, 1, ComplianceResults.Success(ComplianceResults.NewId(), result: 20));
        await _backend.AddChordPartAsync(groupId, 0, ComplianceResults.Success(ComplianceResults.NewId(), result: new JsonObject { ["x"] = 10 }));

        await using var python = PythonCelery.Start(Url, "chord-part", groupId, "2", ComplianceResults.NewId(), "SUCCESS", "30");
        var body = await python.NextAsync(Wait);
        await python.ResultAsync(Wait);

        body["event"]!.GetValue<string>().Should().Be("body");
        body["results"]!.ToJsonString().Should().Be("""[{"x":10},20,30]""", "Python decoded our members in group-index order");
        (await _raw.ExecuteAsync(new RedisCommand("EXISTS", $"celery-taskset-meta-{groupId}.j", $"celery-taskset-meta-{groupId}.s"))).AsInt64()
            .Should().Be(0, "the completing worker deletes the join");
    }

    [PythonInteropFact]
    public async Task We_complete_a_chord_whose_size_and_parts_Python_wrote()
    {
        var groupId = ComplianceResults.NewId();
        var failed = ComplianceResults.NewId();
        await PythonCelery.RunAsync(Url, "chord-size", groupId, "3");
        await PythonCelery.RunAsync(Url, "chord-part", groupId, "1", failed, "FAILURE", "\"bad\"");
        await PythonCelery.RunAsync(Url, "chord-part", groupId, "none", ComplianceResults.NewId(), "SUCCESS", "\"last\"");

        var progress = await _backend.AddChordPartAsync(groupId, 0, ComplianceResults.Success(ComplianceResults.NewId(), result: "first"));
        var parts = await _backend.GetChordPartsAsync(groupId);

        progress.Should().Be(new Celeriac.Backends.ChordProgress(3, 3, 0));
        progress.IsComplete.Should().BeTrue();
        parts.Select(p => p.State).Should().Equal(TaskStates.Success, TaskStates.Failure, TaskStates.Success);
        parts[1].TaskId.Should().Be(failed);
        var exception = ExceptionInfo.FromJson(parts[1].Result)!;
        (exception.Type, exception.Module, exception.Message).Should().Be(("ValueError", "builtins", "bad"));
        parts.Select(p => p.Result!.ToJsonString()).Should().Equal("\"first\"", parts[1].Result!.ToJsonString(), "\"last\"");
    }
}
