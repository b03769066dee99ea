using System.Runtime.InteropServices;
using Celeriac.Worker;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// Celery's worker signals: the first SIGINT (Ctrl+C) or SIGTERM is a warm shutdown (stop fetching, let running
/// tasks finish), a second one — or SIGQUIT — a cold one (cancel running tasks, give their messages back). The
/// caller's token, once cancelled, is a first signal. Each is announced on stderr as Celery does.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CeleriacWorker _worker;
    private readonly TextWriter _error;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly CancellationTokenRegistration _token;
    private int _received;

    public ShutdownSignals(CeleriacWorker worker, TextWriter error, CancellationToken cancellationToken)
    {
        _worker = worker;
        _error = error;
        foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT])
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGQUIT has no Windows equivalent; Ctrl+C twice still stops cold there.
            }
        }
        _token = cancellationToken.Register(() => Received(cold: false));
    }

    /// <summary>True once a cold shutdown was asked for.</summary>
    public bool Cold { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the worker stops; the process ends when the command returns
        Received(cold: context.Signal == PosixSignal.SIGQUIT);
    }

    private void Received(bool cold)
    {
        if (Interlocked.Increment(ref _received) > 1 || cold)
        {
            if (Cold) return;
            Cold = true;
            Say("worker: Cold shutdown (MainProcess)");
            _ = _worker.StopColdAsync();
            return;
        }
        Say("worker: Warm shutdown (MainProcess)");
        _ = _worker.StopAsync();
    }

    private void Say(string line)
    {
        lock (_error) _error.WriteLine("\n" + line);
    }

    public void Dispose()
    {
        _token.Dispose();
        foreach (var registration in _registrations) registration.Dispose();
    }
}
