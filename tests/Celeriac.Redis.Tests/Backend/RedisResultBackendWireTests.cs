using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Compliance;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Backend;
using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>What the backend leaves in Redis, byte for byte (docs/protocol.md §4.2, §4.3, §4.7, §4.10).</summary>
public sealed class RedisResultBackendWireTests(RedisServerFixture redis) : RawBackendDbTestBase(redis)
{

    [RedisFact]
    public async Task A_meta_is_stored_under_celery_task_meta_with_its_exact_bytes_and_a_day_of_ttl()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var meta = ComplianceResults.Success(ComplianceResults.NewId());

        await backend.StoreAsync([meta]);

        var key = "celery-task-meta-" + meta.TaskId;
        (await Raw.ExecuteAsync(new RedisCommand("GET", key))).Bytes.ToArray().Should().Equal(meta.ToUtf8Bytes());
        (await Raw.ExecuteAsync(new RedisCommand("TTL", key))).AsInt64().Should().BeInRange(86390, 86400);
        (await Raw.ExecuteAsync(new RedisCommand("TYPE", key))).AsString().Should().Be("string");
    }

    [RedisFact]
    public async Task Without_result_expires_the_key_never_expires()
    {
        await using var backend = TestBackends.Create(Redis.Server, expires: null, useDefaultExpiry: false);
        var meta = ComplianceResults.Success(ComplianceResults.NewId());

        await backend.StoreAsync([meta]);

        (await Raw.ExecuteAsync(new RedisCommand("TTL", "celery-task-meta-" + meta.TaskId))).AsInt64().Should().Be(-1);
    }

    [RedisFact]
    public async Task Result_expires_is_cut_to_whole_seconds_as_Celery_does()
    {
        await using var backend = TestBackends.Create(Redis.Server, expires: TimeSpan.FromSeconds(90.9));
        var meta = ComplianceResults.Success(ComplianceResults.NewId());

        await backend.StoreAsync([meta]);

        (await Raw.ExecuteAsync(new RedisCommand("TTL", "celery-task-meta-" + meta.TaskId))).AsInt64().Should().BeInRange(85, 90);
    }

    [RedisFact]
    public async Task Every_stored_meta_is_published_on_the_channel_named_like_the_key_with_the_same_bytes()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        await using var subscriber = await Raw.OpenSubscriberAsync();
        var id = ComplianceResults.NewId();
        var channel = "celery-task-meta-" + id;
        await subscriber.SubscribeAsync([channel]);
        var started = ComplianceResults.State(id, TaskStates.Started);
        var success = ComplianceResults.Success(id);

        await backend.StoreAsync([started]);
        await backend.StoreAsync([success]);

        foreach (var expected in new[] { started, success })
        {
            using var timeout = new CancellationTokenSource(Wait);
            var message = await subscriber.Messages.ReadAsync(timeout.Token);
            message.Channel.Should().Be(channel);
            message.Payload.ToArray().Should().Equal(expected.ToUtf8Bytes(), "the published bytes are the stored bytes");
        }
    }

    [RedisFact]
    public async Task A_stored_success_is_neither_overwritten_nor_republished_by_a_later_failure()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        await using var subscriber = await Raw.OpenSubscriberAsync();
        var id = ComplianceResults.NewId();
        var key = "celery-task-meta-" + id;
        // A SUCCESS as a Python worker writes it (spaces, its key order), vector result_success.
        var python = SharedVectors.Load("result_success")["result"]!["raw"]!.GetValue<string>().Replace("b1000000-0000-4000-8000-000000000001", id);
        await Raw.ExecuteAsync(new RedisCommand("SETEX", key, 86400, python));
        await subscriber.SubscribeAsync([key]);

        await backend.StoreAsync([ComplianceResults.Failure(id), ComplianceResults.State(id, TaskStates.Retry)]);
        await Raw.ExecuteAsync(new RedisCommand("PUBLISH", key, "marker"));

        (await Raw.ExecuteAsync(new RedisCommand("GET", key))).AsString().Should().Be(python);
        using var timeout = new CancellationTokenSource(Wait);
        Encoding.UTF8.GetString((await subscriber.Messages.ReadAsync(timeout.Token)).Payload.Span)
            .Should().Be("marker", "a guarded store publishes nothing");
    }

    [RedisFact]
    public async Task A_stored_value_that_is_not_a_meta_is_overwritten()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var meta = ComplianceResults.Failure(ComplianceResults.NewId());
        var key = "celery-task-meta-" + meta.TaskId;
        await Raw.ExecuteAsync(new RedisCommand("SET", key, "not json, but it says SUCCESS"));

        await backend.StoreAsync([meta]);

        (await Raw.ExecuteAsync(new RedisCommand("GET", key))).Bytes.ToArray().Should().Equal(meta.ToUtf8Bytes());
    }

    [RedisFact]
    public async Task A_batch_larger_than_one_script_call_keeps_order_and_the_guard_across_calls()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var id = ComplianceResults.NewId();
        var metas = Enumerable.Range(0, ResultWriter.MaxPerScript * 2 + 10)
            .Select(i => ComplianceResults.Success(ComplianceResults.NewId(), result: i)).ToList();
        var success = ComplianceResults.Success(id);
        metas[ResultWriter.MaxPerScript - 1] = success; // last of the first call
        metas[ResultWriter.MaxPerScript] = ComplianceResults.Failure(id); // first of the second

        await backend.StoreAsync(metas);

        (await Raw.ExecuteAsync(new RedisCommand("GET", "celery-task-meta-" + id))).Bytes.ToArray().Should().Equal(success.ToUtf8Bytes());
        (await Raw.ExecuteAsync(new RedisCommand("GET", "celery-task-meta-" + metas[^1].TaskId))).Bytes.ToArray().Should().Equal(metas[^1].ToUtf8Bytes());
    }

    [RedisFact]
    public async Task The_script_is_loaded_again_after_the_server_forgot_it()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        await backend.StoreAsync([ComplianceResults.Success(ComplianceResults.NewId())]);
        await Raw.ExecuteAsync(new RedisCommand("SCRIPT", "FLUSH"));
        var meta = ComplianceResults.Success(ComplianceResults.NewId());

        await backend.StoreAsync([meta, ComplianceResults.Failure(meta.TaskId)]);

        (await backend.GetAsync(meta.TaskId)).Status.Should().Be(TaskStates.Success);
    }

    [RedisFact]
    public async Task Global_keyprefix_is_joined_with_an_underscore_for_keys_and_channels()
    {
        await using var backend = TestBackends.Create(Redis.Server, prefix: "P");
        await using var subscriber = await Raw.OpenSubscriberAsync();
        var meta = ComplianceResults.Success(ComplianceResults.NewId());
        await subscriber.SubscribeAsync(["P_celery-task-meta-" + meta.TaskId]);
        var groupId = ComplianceResults.NewId();

        await backend.StoreAsync([meta]);
        await backend.SaveGroupAsync(groupId, new JsonArray(new JsonArray(groupId, null), new JsonArray()));
        await backend.SetChordSizeAsync(groupId, 2);

        (await Raw.ExecuteAsync(new RedisCommand("EXISTS", "P_celery-task-meta-" + meta.TaskId, "P_celery-taskset-meta-" + groupId, "P_celery-taskset-meta-" + groupId + ".s")))
            .AsInt64().Should().Be(3);
        (await Raw.ExecuteAsync(new RedisCommand("EXISTS", "celery-task-meta-" + meta.TaskId))).AsInt64().Should().Be(0);
        using var timeout = new CancellationTokenSource(Wait);
        (await subscriber.Messages.ReadAsync(timeout.Token)).Channel.Should().Be("P_celery-task-meta-" + meta.TaskId);
    }

    [RedisFact]
    public async Task A_saved_group_is_the_object_of_the_vector_under_celery_taskset_meta()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        await using var subscriber = await Raw.OpenSubscriberAsync();
        var vector = SharedVectors.Load("result_group_saved")["result"]!;
        var key = vector["redis_key"]!.GetValue<string>();
        var tuple = vector["decoded"]!["result"]!.AsArray();
        var groupId = tuple[0]![0]!.GetValue<string>();
        await subscriber.SubscribeAsync([key]);

        await backend.SaveGroupAsync(groupId, tuple);

        var stored = await Raw.ExecuteAsync(new RedisCommand("GET", key));
        JsonNode.DeepEquals(JsonNode.Parse(stored.AsString()!), JsonNode.Parse(vector["raw"]!.GetValue<string>())).Should().BeTrue();
        (await Raw.ExecuteAsync(new RedisCommand("TTL", key))).AsInt64().Should().BeInRange(86390, 86400);
        using var timeout = new CancellationTokenSource(Wait);
        (await subscriber.Messages.ReadAsync(timeout.Token)).Payload.ToArray().Should().Equal(stored.Bytes.ToArray(), "SETEX then PUBLISH of the same value");
        (await backend.RestoreGroupAsync(groupId))!.ToJsonString().Should().Be(tuple.ToJsonString());
    }

    [RedisFact]
    public async Task A_group_saved_by_Python_is_restored()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var vector = SharedVectors.Load("result_group_saved")["result"]!;
        var groupId = ComplianceResults.NewId();
        var raw = vector["raw"]!.GetValue<string>().Replace("f34fe88d-5bd2-4b7d-81d0-2099f35314c9", groupId);
        await Raw.ExecuteAsync(new RedisCommand("SET", "celery-taskset-meta-" + groupId, raw));

        var restored = await backend.RestoreGroupAsync(groupId);

        GroupResultMeta.FromJson(new JsonObject { ["result"] = restored }).Members.Select(m => m.Id)
            .Should().Equal("ca18fbc2-759c-48eb-8510-2f8d93ce3bbd", "087d076e-6e07-4558-bb98-c733f0a3de58");
    }

    [RedisFact]
    public async Task Forget_deletes_the_key()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var meta = ComplianceResults.Success(ComplianceResults.NewId());
        await backend.StoreAsync([meta]);

        await backend.ForgetAsync(meta.TaskId);

        (await Raw.ExecuteAsync(new RedisCommand("EXISTS", "celery-task-meta-" + meta.TaskId))).AsInt64().Should().Be(0);
    }

    [RedisFact]
    public async Task UseRedis_registers_the_backend_for_redis_and_rediss()
    {
        foreach (var url in new[] { Redis.Server.Url(1), "rediss://localhost:6380/1" })
        {
            await using var app = CeleriacApp.Create(o =>
            {
                o.UseRedis();
                o.ResultBackend = url;
                o.ResultExpires = TimeSpan.FromHours(1);
                o.ResultBackendTransportOptions["global_keyprefix"] = "app";
            });

            var backend = app.Backend.Should().BeOfType<RedisResultBackend>().Subject;
            backend.Settings.ExpiresSeconds.Should().Be(3600);
            backend.Settings.Layout.TaskMetaKey("x").Should().Be("app_celery-task-meta-x");
            backend.Settings.Connection.UseTls.Should().Be(url.StartsWith("rediss", StringComparison.Ordinal));
        }
    }
}
