using System.Runtime.CompilerServices;

namespace Celeriac.Redis.Tests.Infrastructure;

internal static class TestHostThreadPool
{
    /// <summary>
    /// The test host keeps a couple of thread-pool threads blocked for its own plumbing, and on a
    /// 2-core machine the pool's minimum is 2: every burst of work then waits for the pool to inject
    /// threads (about one a second). That turned the pipelining tests' 60 ms into 1 s at random; the
    /// same workload in a plain console app never stalls. A higher minimum gives tests what a normal
    /// process has.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
