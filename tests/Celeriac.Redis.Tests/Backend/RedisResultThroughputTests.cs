using System.Diagnostics;
using Celeriac.Protocol.Results;
using Celeriac.Redis.Tests.Backend.Support;
using Celeriac.Redis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Celeriac.Redis.Tests.Backend;

/// <summary>
/// How fast a worker's completer can store results: batches of 256, one round trip each. Prints
/// metas/s (<c>--logger "console;verbosity=detailed"</c>); asserts only a sanity floor, as the
/// machine running the tests may be busy.
/// </summary>
public sealed class RedisResultThroughputTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const int Count = 20_000;
    private const int Batch = 256;

    [RedisFact]
    public async Task Stores_twenty_thousand_metas_in_batches_of_256()
    {
        await using var backend = TestBackends.Create(redis.Server);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        // What a worker stores for a plain task: SUCCESS, a small result, date_done, no children.
        var metas = Enumerable.Range(0, Count).Select(i => new ResultMeta
        {
            TaskId = $"{prefix}-0000-4000-8000-{i:D12}",
            Status = TaskStates.Success,
            Result = i,
            DateDone = DateTime.UtcNow,
        }).ToList();
        await backend.StoreAsync(metas[..Batch]); // loads the script

        var fresh = await MeasureAsync(backend, metas);
        var overwrite = await MeasureAsync(backend, metas.Select(m => new ResultMeta { TaskId = m.TaskId, Status = TaskStates.Failure, Result = null }).ToList());

        output.WriteLine($"{Count} metas in batches of {Batch}: {fresh:N0} metas/s to new keys; {overwrite:N0} metas/s refused by the SUCCESS guard");
        (await backend.GetAsync(metas[^1].TaskId)).Result!.GetValue<int>().Should().Be(Count - 1);
        fresh.Should().BeGreaterThan(2_000, "even a busy 2-core machine stores thousands of metas a second in batches");
    }

    private static async Task<double> MeasureAsync(Celeriac.Redis.Backend.RedisResultBackend backend, List<ResultMeta> metas)
    {
        var clock = Stopwatch.StartNew();
        foreach (var batch in metas.Chunk(Batch)) await backend.StoreAsync(batch);
        return metas.Count / clock.Elapsed.TotalSeconds;
    }
}
