using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>Our beat restarted on Redis with another --beat-state path: the state lives in Redis, so a missed entry runs once within 2 s of ready and due times are kept.</summary>
public sealed class BeatRestartInteropTests(InteropCluster cluster, ITestOutputHelper output) : IClassFixture<InteropCluster>
{
    [InteropFact]
    public Task A_restart_publishes_a_missed_entry_once_and_keeps_due_times() =>
        BeatInteropScenarios.RestartKeepsDueTimesAsync(cluster, output, stateInBroker: true);
}
