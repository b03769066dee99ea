using Celeriac.Interop.Tests.Support;

namespace Celeriac.Interop.Tests;

/// <summary>The tracing scenarios (<see cref="TracingInteropScenarios"/>) over Redis.</summary>
/// <remarks>
/// Alone in its collection: the in-process listener of the Celeriac-client test would give every
/// other class's Celeriac client a span and a header.
/// </remarks>
[Collection(TracingInteropCollection.Name)]
public sealed class TracingInteropTests(TracingCluster cluster) : IClassFixture<TracingCluster>
{
    [InteropFact]
    public Task A_Python_clients_trace_is_the_parent_of_the_Celeriac_workers_run() =>
        TracingInteropScenarios.PythonClientsTraceParentsTheCeleriacRunAsync(cluster);

    [InteropFact]
    public Task What_the_Celeriac_run_sends_to_a_Python_worker_carries_the_same_trace_under_the_run() =>
        TracingInteropScenarios.CeleriacRunCarriesTheTraceOnToAPythonWorkerAsync(cluster);

    [InteropFact]
    public Task A_retry_on_the_Celeriac_worker_stays_in_the_Python_clients_trace() =>
        TracingInteropScenarios.RetryStaysInThePythonClientsTraceAsync(cluster);

    [InteropFact]
    public Task A_Celeriac_clients_producer_span_is_the_parent_a_Python_worker_sees() =>
        TracingInteropScenarios.CeleriacClientsProducerSpanIsWhatAPythonWorkerSeesAsync(cluster);

    [InteropFact]
    public Task Without_a_listener_or_a_current_activity_a_Celeriac_client_sends_no_trace_context() =>
        TracingInteropScenarios.WithoutAListenerACeleriacClientSendsNoTraceContextAsync(cluster);
}

/// <summary>The tracing scenarios over RabbitMQ: the context travels as AMQP application headers.</summary>
[Collection(TracingInteropCollection.Name)]
public sealed class AmqpTracingInteropTests(AmqpTracingCluster cluster) : IClassFixture<AmqpTracingCluster>
{
    [AmqpInteropFact]
    public Task A_Python_clients_trace_is_the_parent_of_the_Celeriac_workers_run() =>
        TracingInteropScenarios.PythonClientsTraceParentsTheCeleriacRunAsync(cluster);

    [AmqpInteropFact]
    public Task What_the_Celeriac_run_sends_to_a_Python_worker_carries_the_same_trace_under_the_run() =>
        TracingInteropScenarios.CeleriacRunCarriesTheTraceOnToAPythonWorkerAsync(cluster);

    [AmqpInteropFact]
    public Task A_Celeriac_clients_producer_span_is_the_parent_a_Python_worker_sees() =>
        TracingInteropScenarios.CeleriacClientsProducerSpanIsWhatAPythonWorkerSeesAsync(cluster);
}

/// <summary>Tracing interop tests run alone: an in-process ActivityListener is process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingInteropCollection
{
    public const string Name = "Tracing interop (process-wide ActivityListener)";
}
