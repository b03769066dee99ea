using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>Python Celery 5.2.6's own <c>celery beat</c> publishing to a Celeriac worker (the InteropWorker), on Redis.</summary>
public sealed class PythonBeatToCeleriacWorkerTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public Task The_celeriac_worker_runs_what_pythons_beat_publishes() =>
        BeatInteropScenarios.CeleriacWorkerRunsPythonBeatAsync(cluster, output);
}
