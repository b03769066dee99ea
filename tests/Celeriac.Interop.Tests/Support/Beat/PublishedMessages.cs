using System.Text;
using System.Text.Json.Nodes;

namespace Celeriac.Interop.Tests.Support.Beat;

/// <summary>One task message taken off a kombu list: when the reader saw it and what its headers say.</summary>
/// <param name="ArrivedAt">When the reader took it off the list (at most one poll after the push).</param>
/// <param name="TaskId">The <c>id</c> header.</param>
/// <param name="Task">The <c>task</c> header.</param>
/// <param name="Origin">The <c>origin</c> header, <c>gen&lt;pid&gt;@host</c>: which process published it.</param>
/// <param name="Args">The positional arguments from the body.</param>
internal sealed record PublishedMessage(DateTimeOffset ArrivedAt, string TaskId, string Task, string Origin, JsonArray Args)
{
    /// <summary>The publishing process's id, read from <see cref="Origin"/>.</summary>
    public int Pid => int.Parse(Origin.AsSpan(3, Origin.IndexOf('@', StringComparison.Ordinal) - 3), System.Globalization.CultureInfo.InvariantCulture);

    public static PublishedMessage Parse(string envelope, DateTimeOffset arrivedAt)
    {
        var message = JsonNode.Parse(envelope)!;
        var headers = message["headers"]!;
        var body = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message["body"]!.GetValue<string>())))!;
        return new PublishedMessage(arrivedAt, headers["id"]!.GetValue<string>(), headers["task"]!.GetValue<string>(),
            headers["origin"]?.GetValue<string>() ?? "", body[0]!.AsArray());
    }
}

/// <summary>
/// Takes every message off a kombu list on the broker as it lands (MULTI; LRANGE; DEL; EXEC every few
/// milliseconds, its own connection) and keeps them in arrival order with the instant it saw them:
/// what a beat published, watched from the broker's side and with no consumer in the way.
/// </summary>
internal sealed class PublishedMessages : IAsyncDisposable
{
    private readonly RawRedis _redis;
    private readonly string _list;
    private readonly List<PublishedMessage> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _disposed;

    private PublishedMessages(RawRedis redis, string list)
    {
        _redis = redis;
        _list = list;
        _loop = Task.Run(LoopAsync);
    }

    public static async Task<PublishedMessages> StartAsync(int port, string list = "celery") =>
        new(await RawRedis.ConnectAsync(port, 0), list);

    /// <summary>Everything seen so far, in arrival order.</summary>
    public IReadOnlyList<PublishedMessage> Snapshot()
    {
        lock (_messages) return _messages.ToList();
    }

    /// <summary>Waits until a message satisfying <paramref name="match"/> arrived and returns the first one.</summary>
    public async Task<PublishedMessage> WaitForAsync(Func<PublishedMessage, bool> match, TimeSpan within, Func<string> describe)
    {
        PublishedMessage? found = null;
        await Poll.UntilAsync(() => Task.FromResult((found = Snapshot().FirstOrDefault(match)) is not null), within, describe);
        return found!;
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            await _redis.CommandAsync("MULTI");
            await _redis.CommandAsync("LRANGE", _list, "0", "-1");
            await _redis.CommandAsync("DEL", _list);
            var reply = (object?[])(await _redis.CommandAsync("EXEC"))!;
            var seenAt = DateTimeOffset.UtcNow;
            var envelopes = (object?[])reply[0]!;
            if (envelopes.Length > 0)
            {
                // LPUSH puts the newest at the head: oldest first is the reverse.
                var parsed = envelopes.Reverse().Select(e => PublishedMessage.Parse((string)e!, seenAt)).ToList();
                lock (_messages) _messages.AddRange(parsed);
            }
            if (_stop.IsCancellationRequested) return; // that was the last look
            try
            {
                await Task.Delay(5, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Stops reading after one last look, so nothing pushed before this call is missed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stop.CancelAsync();
        await _loop;
        await _redis.DisposeAsync();
        _stop.Dispose();
    }
}
