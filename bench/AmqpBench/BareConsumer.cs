using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace AmqpBench;

/// <summary>
/// The ceiling: one channel, basic.consume with a large prefetch, an ack (multiple) every
/// <c>batch</c> deliveries and nothing else — no decoding, no execution, no result.
/// </summary>
internal static class BareConsumer
{
    public static async Task<double> DrainAsync(string url, string queue, int count, int prefetch, int batch)
    {
        var factory = new ConnectionFactory { Uri = new Uri(url) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, (ushort)prefetch, global: false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            received++;
            if (received % batch == 0 || received == count) await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true);
            if (received == count) done.TrySetResult();
        };
        var started = Stopwatch.GetTimestamp();
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
