namespace Celeriac.Redis.Tests.Infrastructure;

internal static class Eventually
{
    /// <summary>
    /// Retries <paramref name="attempt"/> until it succeeds, for things that become true on their own
    /// (a reconnect, a resubscribe); fails with the last error after <paramref name="within"/>.
    /// </summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public static async Task<RedisMessageAssert> ReceiveAsync(System.Threading.Channels.ChannelReader<Celeriac.Redis.Client.RedisMessage> messages, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var message = await messages.ReadAsync(timeout.Token);
        return new RedisMessageAssert(message.Channel, message.Pattern, System.Text.Encoding.UTF8.GetString(message.Payload.Span));
    }
}

internal sealed record RedisMessageAssert(string Channel, string? Pattern, string Payload);
