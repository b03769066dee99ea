using Celeriac.Protocol.Results;
using Celeriac.Redis.Backend;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>
/// A Python task's result of NaN or an infinity, stored as Celery's backend writes it (json.dumps:
/// bare <c>NaN</c>, <c>Infinity</c>), is read by Celeriac's client, stored or published.
/// </summary>
public sealed class NonFiniteResultTests(RedisServerFixture redis) : RawBackendDbTestBase(redis)
{
    private static string PythonMeta(string id, string status = "SUCCESS") =>
        $$"""{"result": [NaN, Infinity, -Infinity], "status": "{{status}}", "traceback": null, "children": [], "date_done": "2026-01-02T03:04:05.000000", "task_id": "{{id}}"}""";

    [Fact]
    public void The_status_is_read_even_behind_a_NaN()
    {
        MetaStatus.IsReady(System.Text.Encoding.UTF8.GetBytes(PythonMeta("x"))).Should().BeTrue();
        MetaStatus.Read(System.Text.Encoding.UTF8.GetBytes(PythonMeta("x", "STARTED"))).Should().Be("STARTED");
    }

    [RedisFact]
    public async Task A_stored_Python_result_with_NaN_is_read_and_a_published_one_wakes_a_waiter()
    {
        await using var backend = TestBackends.Create(Redis.Server);
        var stored = Guid.NewGuid().ToString();
        await Raw.ExecuteAsync(new RedisCommand("SET", "celery-task-meta-" + stored, PythonMeta(stored)));

        var read = await backend.GetAsync(stored);
        var waitedStored = await backend.WaitForReadyAsync(stored, CancellationToken.None).AsTask().WaitAsync(Wait);

        read.Status.Should().Be(TaskStates.Success);
        double.IsNaN(read.Result![0]!.GetValue<double>()).Should().BeTrue();
        read.Result[2]!.GetValue<double>().Should().Be(double.NegativeInfinity);
        waitedStored.Result![1]!.GetValue<double>().Should().Be(double.PositiveInfinity);

        var published = Guid.NewGuid().ToString();
        var waiting = backend.WaitForReadyAsync(published, CancellationToken.None).AsTask();
        await Eventually.SucceedsAsync(async () =>
        {
            // PUBLISH until the waiter's SUBSCRIBE is in: only then does a publish reach it.
            var receivers = (await Raw.ExecuteAsync(new RedisCommand("PUBLISH", "celery-task-meta-" + published, PythonMeta(published)))).AsInt64();
            return receivers > 0 ? true : throw new InvalidOperationException("not subscribed yet");
        }, Wait);
        double.IsNaN((await waiting.WaitAsync(Wait)).Result![0]!.GetValue<double>()).Should().BeTrue();
    }
}
