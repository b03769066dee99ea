using System.Diagnostics;
using Celeriac;

namespace AmqpBench;

/// <summary>
/// What publisher confirms cost a .NET producer: <c>SendTaskAsync("bench.noop")</c> <c>count</c>
/// times, <c>inFlight</c> sends awaited together (1: one at a time, as a request handler sends),
/// with <c>confirm_publish</c> on (the default) or off. No result backend.
/// </summary>
internal static class Producer
{
    public static async Task<double> PublishAsync(string url, int count, bool confirm, int inFlight)
    {
        await using var app = CeleriacApp.Create(o =>
        {
            o.UseRabbitMq();
            o.BrokerUrl = url;
            if (!confirm) o.BrokerTransportOptions["confirm_publish"] = "false";
        });
        // Warm-up: the connection, the channel, the queue declaration and the JIT.
        for (var i = 0; i < 200; i++) await app.SendTaskAsync("bench.noop");
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>(inFlight);
        for (var i = 0; i < count; i++)
        {
            pending.Add(app.SendTaskAsync("bench.noop"));
            if (pending.Count == inFlight)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }
        await Task.WhenAll(pending);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
