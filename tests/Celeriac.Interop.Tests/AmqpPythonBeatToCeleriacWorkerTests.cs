using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>Python Celery 5.2.6's own <c>celery beat</c> on RabbitMQ publishing to a Celeriac worker.</summary>
public sealed class AmqpPythonBeatToCeleriacWorkerTests(AmqpInteropCluster cluster, ITestOutputHelper output) : IClassFixture<AmqpInteropCluster>
{
    [AmqpInteropFact]
    public Task The_celeriac_worker_runs_what_pythons_beat_publishes() =>
        BeatInteropScenarios.CeleriacWorkerRunsPythonBeatAsync(cluster, output);
}
