using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Compliance;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>The chord join's keys and commands against docs/protocol.md §4.8 and the MONITOR capture of Python's.</summary>
public sealed class RedisChordJoinWireTests(RedisServerFixture redis) : RawBackendDbTestBase(redis)
{

    [RedisFact]
    public async Task The_join_sends_the_commands_Python_sends()
    {
        // The success case of the vector, replayed with its own ids: size 3, parts 2, 4, 6 in header
        // order, the last one completes, reads the parts and deletes the keys.
        var vector = SharedVectors.Load("result_redis_chord_join_commands");
        var groupId = vector["success_case_group_id"]!.GetValue<string>();
        var prefix = "celery-taskset-meta-" + groupId;
        var expected = vector["success_case_commands"]!.AsArray()
            .Select(c => c!.AsArray().Select(a => a!.GetValue<string>()).ToArray())
            .Where(c => c.Length > 1 && c[1].StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
        var parts = expected.Where(c => c[0] == "ZADD").Select(c => JsonNode.Parse(c[3])!.AsArray()).ToList();
        await using var backend = TestBackends.Create(Redis.Server);
        await using var monitor = await MonitorRecorder.StartAsync(Redis.Server.Port);

        await backend.SetChordSizeAsync(groupId, 3);
        var progress = new List<ChordProgress>();
        for (var i = 0; i < parts.Count; i++)
        {
            var part = new ResultMeta { TaskId = parts[i][1]!.GetValue<string>(), Status = parts[i][2]!.GetValue<string>(), Result = parts[i][3]!.DeepClone() };
            progress.Add(await backend.AddChordPartAsync(groupId, i, part));
        }
        var read = await backend.GetChordPartsAsync(groupId);
        await backend.DeleteChordAsync(groupId);
        var marker = Guid.NewGuid().ToString();
        await Raw.ExecuteAsync(new RedisCommand("ECHO", marker));
        var seen = (await monitor.UntilAsync(marker, Wait)).Where(c => c.Database == 1 && c.Arguments.Length > 1 && c.Arguments[1].StartsWith(prefix, StringComparison.Ordinal)).ToList();

        progress.Select(p => p.IsComplete).Should().Equal(false, false, true);
        read.Select(p => p.Result!.GetValue<int>()).Should().Equal(2, 4, 6);
        // The capture filtered out the two GETs of each pipeline (docs/protocol.md §4.8 lists them: GET .t, GET .s).
        seen.Where(c => c.Name == "GET").Select(c => c.Arguments[1]).Should().Equal(Enumerable.Repeat(new[] { prefix + ".t", prefix + ".s" }, 3).SelectMany(k => k));
        // Our one addition: before each ZADD, the script looks for the task's part at its score.
        seen.Where(c => c.Name == "ZRANGEBYSCORE").Select(c => string.Join(' ', c.Arguments[1..]))
            .Should().Equal(Enumerable.Range(0, 3).Select(i => $"{prefix}.j {i} {i}"));
        seen.Where(c => c.Name is "ZRANGEBYSCORE" or "ZADD" or "ZCOUNT" or "GET" or "EXPIRE").Should().OnlyContain(c => c.FromScript, "the add is one script call");
        // And the claim on the body (.f, ours only): set by the completing add, deleted with the join.
        seen.Where(c => c.Arguments[1] == prefix + ".f").Select(c => (c.Name, c.FromScript, c.Arguments.Length > 3 ? string.Join(' ', c.Arguments[3..]) : ""))
            .Should().Equal(("SET", true, "EX 86400"), ("DEL", false, ""));
        var ours = seen.Where(c => c.Name is not ("GET" or "ZRANGEBYSCORE") && c.Arguments[1] != prefix + ".f").Select(c => c.Arguments).ToList();
        ours.Should().HaveCount(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            // ZADD members included, byte for byte: ours are written as json.dumps writes them.
            ours[i].Should().Equal(expected[i], $"command {i} of the vector is {string.Join(' ', expected[i])}");
        }
        var pipeline = seen.SkipWhile(c => c.Name != "ZADD").Take(7).Select(c => c.Name);
        pipeline.Should().Equal("ZADD", "ZCOUNT", "GET", "GET", "EXPIRE", "EXPIRE", "EXPIRE");
    }

    [RedisFact]
    public async Task Keys_hold_the_size_the_extras_and_the_scored_parts_with_the_result_expiry()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var groupId = ComplianceResults.NewId();
        var key = "celery-taskset-meta-" + groupId;
        var failure = ComplianceResults.Failure(ComplianceResults.NewId());

        await backend.SetChordSizeAsync(groupId, 2);
        await backend.AddChordExtraAsync(groupId, 1);
        await backend.AddChordPartAsync(groupId, null, failure);
        var progress = await backend.AddChordPartAsync(groupId, 5, ComplianceResults.Success(ComplianceResults.NewId(), result: 7));

        progress.Should().Be(new ChordProgress(2, 2, 1));
        (await Raw.ExecuteAsync(new RedisCommand("GET", key + ".s"))).AsString().Should().Be("2");
        (await Raw.ExecuteAsync(new RedisCommand("GET", key + ".t"))).AsString().Should().Be("1");
        (await Raw.ExecuteAsync(new RedisCommand("TYPE", key + ".j"))).AsString().Should().Be("zset");
        foreach (var suffix in new[] { ".s", ".t", ".j" })
            (await Raw.ExecuteAsync(new RedisCommand("TTL", key + suffix))).AsInt64().Should().BeInRange(86390, 86400, suffix);
        var scored = (await Raw.ExecuteAsync(new RedisCommand("ZRANGE", key + ".j", 0, -1, "WITHSCORES"))).AsArray();
        scored[1].AsString().Should().Be("5");
        scored[3].AsString().Should().Be("inf", "a part without a group index scores +inf");
        var member = JsonNode.Parse(scored[2].AsString()!)!.AsArray();
        scored[2].AsString().Should().Be(PythonJson.Dumps(new JsonArray(1, failure.TaskId, "FAILURE", failure.Result!.DeepClone())));
        member[1]!.GetValue<string>().Should().Be(failure.TaskId);
    }

    [RedisFact]
    public async Task Without_expiry_the_size_is_set_plainly_and_nothing_expires()
    {
        await using var backend = TestBackends.Create(Redis.Server, expires: null, useDefaultExpiry: false);
        await using var monitor = await MonitorRecorder.StartAsync(Redis.Server.Port);
        var groupId = ComplianceResults.NewId();

        await backend.SetChordSizeAsync(groupId, 1);
        (await backend.AddChordPartAsync(groupId, 0, ComplianceResults.Success(ComplianceResults.NewId()))).IsComplete.Should().BeTrue();
        var marker = Guid.NewGuid().ToString();
        await Raw.ExecuteAsync(new RedisCommand("ECHO", marker));

        var names = (await monitor.UntilAsync(marker, Wait)).Where(c => c.Arguments.Length > 1 && c.Arguments[1].Contains(groupId, StringComparison.Ordinal)).Select(c => c.Name);
        names.Should().Equal("SET", "PUBLISH", "ZRANGEBYSCORE", "ZADD", "ZCOUNT", "GET", "GET", "SET"); // the last: the body's claim, .f
        (await Raw.ExecuteAsync(new RedisCommand("TTL", "celery-taskset-meta-" + groupId + ".j"))).AsInt64().Should().Be(-1);
    }

    [RedisFact]
    public async Task A_join_a_Python_worker_completed_has_no_claim_and_is_never_taken_over()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var groupId = ComplianceResults.NewId();
        var key = "celery-taskset-meta-" + groupId;
        var part = ComplianceResults.Success(ComplianceResults.NewId(), result: 1);
        // What Python's pipeline leaves: size and the part, no .f.
        await Raw.ExecuteAsync(new RedisCommand("SET", key + ".s", 1));
        await Raw.ExecuteAsync(new RedisCommand("ZADD", key + ".j", 0, PythonJson.Dumps(new JsonArray(1, part.TaskId, part.Status, part.Result!.DeepClone()))));

        var duplicate = await backend.AddChordPartAsync(groupId, 0, part, new ChordClaim(DateTimeOffset.UtcNow.AddDays(1), TimeSpan.FromSeconds(30)));

        duplicate.Should().Be(new ChordProgress(1, 1, 0, Added: false));
        (await Raw.ExecuteAsync(new RedisCommand("EXISTS", key + ".f"))).AsInt64().Should().Be(0, "Python sends the body itself and its redelivered part fires again; we stay out");
    }

    [RedisFact]
    public async Task With_result_chord_ordered_false_parts_go_to_a_list_in_arrival_order()
    {
        await using var backend = TestBackends.Create(Redis.Server, ordered: false);
        var groupId = ComplianceResults.NewId();
        var key = "celery-taskset-meta-" + groupId + ".j";
        var ids = Enumerable.Range(0, 3).Select(_ => ComplianceResults.NewId()).ToList();
        await backend.SetChordSizeAsync(groupId, 3);

        var progress = new List<ChordProgress>();
        foreach (var (id, index) in ids.Zip([2, 0, 1])) progress.Add(await backend.AddChordPartAsync(groupId, index, ComplianceResults.Success(id, result: index)));
        var parts = await backend.GetChordPartsAsync(groupId);

        progress.Select(p => p.Ready).Should().Equal(1, 2, 3);
        progress[^1].IsComplete.Should().BeTrue();
        (await Raw.ExecuteAsync(new RedisCommand("TYPE", key))).AsString().Should().Be("list");
        parts.Select(p => p.TaskId).Should().Equal(ids, "RPUSH keeps arrival order; LRANGE reads it back");
        await backend.DeleteChordAsync(groupId);
        (await Raw.ExecuteAsync(new RedisCommand("EXISTS", key))).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task Concurrent_parts_from_many_connections_complete_the_chord_once()
    {
        const int size = 200;
        var backends = Enumerable.Range(0, 4).Select(_ => TestBackends.Create(Redis.Server)).ToList();
        try
        {
            var groupId = ComplianceResults.NewId();
            await backends[0].SetChordSizeAsync(groupId, size);

            var progress = await Task.WhenAll(Enumerable.Range(0, size).Select(i =>
                backends[i % backends.Count].AddChordPartAsync(groupId, i, ComplianceResults.Success(ComplianceResults.NewId(), result: i)).AsTask()));

            progress.Count(p => p.IsComplete).Should().Be(1);
            progress.Select(p => p.Ready).Should().OnlyHaveUniqueItems();
            (await backends[1].GetChordPartsAsync(groupId)).Select(p => p.Result!.GetValue<int>()).Should().Equal(Enumerable.Range(0, size));
        }
        finally
        {
            foreach (var backend in backends) await backend.DisposeAsync();
        }
    }
}
