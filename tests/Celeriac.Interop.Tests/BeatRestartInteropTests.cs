using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>Our beat restarted on Redis, where its state lives in Redis: a missed entry once within 2 s of ready, due times kept.</summary>
public sealed class BeatRestartInteropTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public Task A_restart_publishes_a_missed_entry_once_and_keeps_due_times() =>
        BeatInteropScenarios.RestartKeepsDueTimesAsync(cluster, output);
}
