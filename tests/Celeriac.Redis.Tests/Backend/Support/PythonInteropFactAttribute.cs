using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>
/// A test that needs redis-server and Python Celery: skipped outside CI when either is missing,
/// failing in CI (a missing peer must not turn an interop suite green).
/// </summary>
public sealed class PythonInteropFactAttribute : FactAttribute
{
    public PythonInteropFactAttribute()
    {
        if (PythonInterop.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>The theory form of <see cref="PythonInteropFactAttribute"/>.</summary>
public sealed class PythonInteropTheoryAttribute : TheoryAttribute
{
    public PythonInteropTheoryAttribute()
    {
        if (PythonInterop.SkipReason() is { } reason) Skip = reason;
    }
}

internal static class PythonInterop
{
    public static string? SkipReason() =>
        ExternalTool.SkipReason("redis-server", "apt-get install redis-server") ??
        (!ExternalTool.IsCi && PythonCelery.Problem is { } problem ? problem + "; skipped outside CI. With CI=true this test fails instead." : null);
}
