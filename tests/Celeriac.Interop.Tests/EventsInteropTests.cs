using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// Python Celery 5.2.6's <c>EventReceiver</c> (what <c>celery events</c> and Flower read with), on real
/// Redis, capturing a Celeriac worker run with <c>--events</c> and a Python worker run with <c>-E</c>
/// side by side (<see cref="WorkerEventsComparison"/>; <see cref="AmqpEventsInteropTests"/> is the same on RabbitMQ).
/// </summary>
public sealed class EventsInteropTests : InteropCluster
{
    [InteropFact]
    public Task Pythons_EventReceiver_sees_the_same_fields_from_a_Celeriac_worker_as_from_a_Python_worker() =>
        // kombu subscribes on its first read, just after it said it was ready.
        WorkerEventsComparison.RunAsync(this, capture =>
            Poll.UntilAsync(async () => await Broker.IntegerAsync("PUBSUB", "NUMPAT") > 0, TimeSpan.FromSeconds(20), () => capture.Describe()));
}
