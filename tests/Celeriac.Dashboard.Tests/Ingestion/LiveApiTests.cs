using System.Text.Json;
using Celeriac.Dashboard.Ingestion;
using Celeriac.Dashboard.Tests.Infrastructure;
using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Tests.Ingestion;

/// <summary>GET /celeriac/api/live on a real Kestrel: a task run shows up as a <c>changed</c> event; the stream ends with its client.</summary>
public sealed class LiveApiTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("celeriac-live-");

    [IngestionFact]
    public async Task A_task_that_runs_is_announced_as_changed_and_the_stream_ends_with_its_client()
    {
        await using var host = await DashboardHost.StartAsync(redis.Server.Url(0), redis.Server.Url(1), o => o.SqlitePath = Path.Combine(_dir.FullName, "d.db"));
        var changes = host.Services.GetRequiredService<DashboardChanges>();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var abort = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var opened = DateTime.UtcNow; // before the listener exists: a change pending then may be sent at once
        using var response = await http.GetAsync("/celeriac/api/live", HttpCompletionOption.ResponseHeadersRead, abort.Token);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        await Poll.UntilAsync(() => Task.FromResult(changes.ListenerCount), n => n == 1, TimeSpan.FromSeconds(10));

        var task = await host.Celeriac.SendTaskAsync("dash.cx.add", [20, 22], options: new TaskSendOptions { Queue = DashboardHost.CeleriacQueue });
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(abort.Token));
        var changedAt = new List<DateTime>();
        string? type = null;
        while (await reader.ReadLineAsync(abort.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "changed")
            {
                changedAt.Add(DateTime.UtcNow);
                using var data = JsonDocument.Parse(line[6..]);
                data.RootElement.GetProperty("at").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
                data.RootElement.GetProperty("workers").ValueKind.Should().Be(JsonValueKind.Array);
                var tasks = data.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()).ToList();
                tasks.Count.Should().BeLessThanOrEqualTo(DashboardChanges.MaxTaskIds);
                if (tasks.Contains(task.Id) && (await host.Store.GetTaskAsync(task.Id))?.Task.State == "SUCCESS") break;
            }
        }
        changedAt.Should().NotBeEmpty();
        // At most 2 a second: n events are sent over at least (n − 1) / 2 s. Timed by the reader from before the stream
        // opened, with one event of slack: a reader that lags receives two events sent 0.5 s apart closer together.
        changedAt.Count.Should().BeLessThanOrEqualTo((int)(2 * (changedAt[^1] - opened).TotalSeconds) + 2);

        response.Dispose(); // the client goes away
        await Poll.UntilAsync(() => Task.FromResult(changes.ListenerCount), n => n == 0, TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
