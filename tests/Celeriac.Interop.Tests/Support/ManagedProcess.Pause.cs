using System.Runtime.InteropServices;

namespace Celeriac.Interop.Tests.Support;

internal sealed partial class ManagedProcess
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    /// <summary>SIGSTOP: the process is frozen where it is (timers, sockets and all) until <see cref="Resume"/>.</summary>
    public void Pause() => Signal(SigStop, "SIGSTOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal(SigCont, "SIGCONT");

    private void Signal(int signal, string name)
    {
        if (Kill(_process.Id, signal) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill({_process.Id}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
