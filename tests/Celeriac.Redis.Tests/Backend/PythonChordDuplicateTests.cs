using System.Text.Json.Nodes;
using Celeriac.Compliance;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>
/// One chord part added by Python Celery 5.2.6's own <c>on_chord_part_return</c> (python/interop.py)
/// and by us: the members are the same bytes, and whichever side comes second, the part is in once.
/// Our add recognises Python's part as a duplicate, and Python's ZADD of the part we wrote adds nothing.
/// </summary>
public sealed class PythonChordDuplicateTests(RedisServerFixture redis) : RawBackendDbTestBase(redis)
{
    private string Url => Redis.Server.Url(1);

    // A value that exercises json.dumps' spacing, ensure_ascii and float repr.
    private const string ValueJson = """{"text": "é ✓ 😀", "f": 2.0, "small": 1.5e-05, "n": [1, null, true]}""";

    public static TheoryData<string, string> Parts() => new()
    {
        { TaskStates.Success, ValueJson },
        { TaskStates.Failure, "\"bad ü\"" },
    };

    [PythonInteropTheory]
    [MemberData(nameof(Parts))]
    public async Task A_part_Python_added_is_a_duplicate_when_we_add_it_again(string state, string valueJson)
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var (groupId, taskId) = (ComplianceResults.NewId(), ComplianceResults.NewId());
        await backend.SetChordSizeAsync(groupId, 2);
        await PythonCelery.RunAsync(Url, "chord-part", groupId, "0", taskId, state, valueJson);

        var ours = await backend.AddChordPartAsync(groupId, 0, Meta(taskId, state, valueJson));
        var members = await Members(groupId);

        ours.Should().Be(new Celeriac.Backends.ChordProgress(1, 2, 0, Added: false));
        ours.IsComplete.Should().BeFalse();
        members.Should().ContainSingle().Which.Should().Be(PythonJson.Dumps(new JsonArray(1, taskId, state, Meta(taskId, state, valueJson).Result)),
            "the member we would have written is the one Python wrote, byte for byte");
    }

    [PythonInteropTheory]
    [MemberData(nameof(Parts))]
    public async Task Python_adding_a_part_we_added_writes_the_same_member(string state, string valueJson)
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var (groupId, taskId) = (ComplianceResults.NewId(), ComplianceResults.NewId());
        (await backend.AddChordPartAsync(groupId, 3, Meta(taskId, state, valueJson))).Added.Should().BeTrue();
        var before = await Members(groupId);

        await PythonCelery.RunAsync(Url, "chord-part", groupId, "3", taskId, state, valueJson);

        (await Members(groupId)).Should().Equal(before, "Python's ZADD of the same bytes at the same score adds nothing");
    }

    [PythonInteropFact]
    public async Task A_part_Python_added_with_another_result_is_still_a_duplicate()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var (groupId, taskId) = (ComplianceResults.NewId(), ComplianceResults.NewId());
        await backend.SetChordSizeAsync(groupId, 1);
        await PythonCelery.RunAsync(Url, "chord-size", groupId, "2"); // Python must not complete it
        await PythonCelery.RunAsync(Url, "chord-part", groupId, "none", taskId, TaskStates.Success, "\"first run\"");

        var ours = await backend.AddChordPartAsync(groupId, null, Meta(taskId, TaskStates.Success, "\"second run\""));

        ours.IsDuplicate.Should().BeTrue("the task id is already in, at +inf, whatever the result");
        (await Members(groupId)).Should().ContainSingle().Which.Should().Contain("first run");
    }

    private static ResultMeta Meta(string taskId, string state, string valueJson) => new()
    {
        TaskId = taskId,
        Status = state,
        // What Python's encode_result stores: the value, or for a failure the exception object.
        Result = state == TaskStates.Failure
            ? ExceptionInfo.Of("ValueError", "builtins", JsonNode.Parse(valueJson)!.GetValue<string>()).ToJson()
            : JsonNode.Parse(valueJson),
        DateDone = ComplianceResults.DateDone,
    };

    private async Task<List<string>> Members(string groupId) =>
        (await Raw.ExecuteAsync(new RedisCommand("ZRANGE", $"celery-taskset-meta-{groupId}.j", 0, -1))).AsArray().Select(m => m.AsString()!).ToList();
}
