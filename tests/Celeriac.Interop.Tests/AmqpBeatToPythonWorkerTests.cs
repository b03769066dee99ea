using Celeriac.Interop.Tests.Support;
using Xunit.Abstractions;

namespace Celeriac.Interop.Tests;

/// <summary>Our beat on RabbitMQ (<c>amqp://</c>, state in the <c>--beat-state</c> file): a Python Celery 5.2.6 worker runs what it publishes.</summary>
public sealed class AmqpBeatToPythonWorkerTests(AmqpInteropCluster cluster, ITestOutputHelper output) : IClassFixture<AmqpInteropCluster>
{
    [AmqpInteropFact]
    public Task A_python_worker_runs_what_our_beat_publishes_with_correct_results() =>
        BeatInteropScenarios.PythonWorkerRunsOurBeatAsync(cluster, output);

    [AmqpInteropFact]
    public Task A_restart_with_the_same_state_file_publishes_a_missed_entry_once_and_keeps_due_times() =>
        BeatInteropScenarios.RestartKeepsDueTimesAsync(cluster, output);
}
