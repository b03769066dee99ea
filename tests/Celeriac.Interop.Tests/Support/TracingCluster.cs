namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// What the tracing scenarios need of a cluster: a Python worker on <see cref="TracingWorkers.PythonQueue"/>,
/// a Celeriac InteropWorker run with <c>--trace</c> on <see cref="TracingWorkers.CeleriacQueue"/>, the
/// spans it wrote to stderr, and Python clients that send with a trace context.
/// </summary>
internal interface ITracingCluster
{
    /// <summary>A Celeriac client (no worker) in this process.</summary>
    CeleriacApp Client { get; }

    /// <summary>The spans the Celeriac worker has written so far.</summary>
    IReadOnlyList<WorkerSpan> WorkerSpans { get; }

    /// <summary>The Celeriac worker's output, for failure messages.</summary>
    string DescribeCeleriacWorker();

    /// <summary>A Python client whose every publish carries <paramref name="traceparent"/> as the instrumentation injects it.</summary>
    PythonClient TracedPythonClient(string traceparent, string? tracestate = null);
}

/// <summary>The two workers of a tracing cluster, started and stopped together.</summary>
internal sealed class TracingWorkers : IAsyncDisposable
{
    public const string PythonQueue = "trace.py";
    public const string CeleriacQueue = "trace.cx";

    private TracingWorkers(ManagedProcess python, ManagedProcess celeriac) => (Python, Celeriac) = (python, celeriac);

    public ManagedProcess Python { get; }

    public ManagedProcess Celeriac { get; }

    public static async Task<TracingWorkers> StartAsync(Endpoints endpoints)
    {
        var python = PythonWorker.StartAsync(endpoints, [PythonQueue]);
        var celeriac = CeleriacWorkerProcess.StartAsync(endpoints, [CeleriacQueue], "--concurrency", "2", "--trace");
        try
        {
            await Task.WhenAll(python, celeriac);
        }
        catch
        {
            foreach (var started in new[] { python, celeriac }.Where(t => t.IsCompletedSuccessfully)) await started.Result.DisposeAsync();
            throw;
        }
        return new TracingWorkers(python.Result, celeriac.Result);
    }

    /// <summary>The client environment plus <c>INTEROP_TRACEPARENT</c>/<c>INTEROP_TRACESTATE</c> (python/client.py).</summary>
    public static PythonClient TracedClient(Endpoints endpoints, string traceparent, string? tracestate)
    {
        var settings = new Dictionary<string, string?>(endpoints.Settings ?? new Dictionary<string, string?>())
        {
            ["INTEROP_TRACEPARENT"] = traceparent,
            ["INTEROP_TRACESTATE"] = tracestate,
        };
        return new PythonClient(endpoints with { Settings = settings });
    }

    public async ValueTask DisposeAsync()
    {
        await Python.DisposeAsync();
        await Celeriac.DisposeAsync();
    }
}

/// <summary>The tracing cluster on Redis.</summary>
public sealed class TracingCluster : InteropCluster, ITracingCluster
{
    private TracingWorkers? _workers;

    CeleriacApp ITracingCluster.Client => Client;

    IReadOnlyList<WorkerSpan> ITracingCluster.WorkerSpans => WorkerSpan.Parse(_workers!.Celeriac.Output);

    string ITracingCluster.DescribeCeleriacWorker() => _workers!.Celeriac.Describe();

    PythonClient ITracingCluster.TracedPythonClient(string traceparent, string? tracestate) => TracingWorkers.TracedClient(Endpoints, traceparent, tracestate);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Prerequisites.ShouldStart) _workers = await TracingWorkers.StartAsync(Endpoints);
    }

    public override async Task DisposeAsync()
    {
        if (_workers is not null) await _workers.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>The tracing cluster on RabbitMQ (results in Redis): the headers travel as AMQP application headers.</summary>
public sealed class AmqpTracingCluster : AmqpInteropCluster, ITracingCluster
{
    private TracingWorkers? _workers;

    CeleriacApp ITracingCluster.Client => Client;

    IReadOnlyList<WorkerSpan> ITracingCluster.WorkerSpans => WorkerSpan.Parse(_workers!.Celeriac.Output);

    string ITracingCluster.DescribeCeleriacWorker() => _workers!.Celeriac.Describe();

    PythonClient ITracingCluster.TracedPythonClient(string traceparent, string? tracestate) => TracingWorkers.TracedClient(Endpoints, traceparent, tracestate);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (AmqpPrerequisites.ShouldStart) _workers = await TracingWorkers.StartAsync(Endpoints);
    }

    public override async Task DisposeAsync()
    {
        if (_workers is not null) await _workers.DisposeAsync();
        await base.DisposeAsync();
    }
}
