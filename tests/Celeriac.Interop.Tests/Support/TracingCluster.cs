namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A redis-server, a Python Celery worker on <see cref="PythonQueue"/> and a Celeriac InteropWorker
/// run with <c>--trace</c> on <see cref="CeleriacQueue"/>, whose spans are read from its stderr
/// (<see cref="WorkerSpans"/>).
/// </summary>
public sealed class TracingCluster : InteropCluster
{
    public const string PythonQueue = "trace.py";
    public const string CeleriacQueue = "trace.cx";

    internal ManagedProcess PythonWorker { get; private set; } = null!;

    internal ManagedProcess CeleriacWorker { get; private set; } = null!;

    /// <summary>The spans the Celeriac worker has written so far.</summary>
    internal IReadOnlyList<WorkerSpan> WorkerSpans => WorkerSpan.Parse(CeleriacWorker.Output);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Prerequisites.ShouldStart) return;
        var python = Support.PythonWorker.StartAsync(Endpoints, [PythonQueue]);
        var celeriac = CeleriacWorkerProcess.StartAsync(Endpoints, [CeleriacQueue], "--concurrency", "2", "--trace");
        try
        {
            PythonWorker = await python;
        }
        finally
        {
            CeleriacWorker = await celeriac;
        }
    }

    /// <summary>A Python client whose every publish carries <paramref name="traceparent"/> as the instrumentation injects it.</summary>
    internal PythonClient TracedPythonClient(string traceparent, string? tracestate = null) =>
        new(Endpoints with
        {
            Settings = new Dictionary<string, string?> { ["INTEROP_TRACEPARENT"] = traceparent, ["INTEROP_TRACESTATE"] = tracestate },
        });

    public override async Task DisposeAsync()
    {
        if (PythonWorker is not null) await PythonWorker.DisposeAsync();
        if (CeleriacWorker is not null) await CeleriacWorker.DisposeAsync();
        await base.DisposeAsync();
    }
}
