using System.Globalization;
using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>
/// <see cref="EventsInteropTests"/> on RabbitMQ: Python's <c>EventReceiver</c> binds its own <c>celeryev.&lt;uuid&gt;</c>
/// queue to the <c>celeryev</c> topic exchange and sees a Celeriac worker's worker-online, heartbeats,
/// task events and worker-offline with the fields of a Python worker's (docs/protocol.md §3.6, §6).
/// </summary>
public sealed class AmqpEventsInteropTests : AmqpInteropCluster
{
    [AmqpInteropFact]
    public Task Pythons_EventReceiver_sees_the_same_fields_from_a_Celeriac_worker_as_from_a_Python_worker() =>
        WorkerEventsComparison.RunAsync(this, capture => Poll.UntilAsync(async () =>
            (await Rabbit.ListAsync("queues", VirtualHost, "name", "consumers"))
                .Any(q => q[0].StartsWith("celeryev.", StringComparison.Ordinal) && int.Parse(q[1], CultureInfo.InvariantCulture) > 0),
            TimeSpan.FromSeconds(20), () => capture.Describe()));
}
