using Celeriac.Interop.Tests.Support;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, or <c>CELERIAC_CHROMIUM</c>), which Playwright drives instead of a
/// browser of its own (nothing is downloaded). Its absence skips the browser tests outside CI and fails them in CI.
/// </summary>
internal static class Chromium
{
    public static string Path => Environment.GetEnvironmentVariable("CELERIAC_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>Why the browser tests cannot run here (outside CI), or null.</summary>
    public static string? SkipReason()
    {
        if (Prerequisites.SkipReason() is { } reason) return reason;
        if (ExternalTool.IsCi || File.Exists(Path)) return null;
        return $"{Path} is not installed (apt-get install chromium); skipped outside CI. With CI=true this test fails instead.";
    }

    /// <summary>Throws with what is missing (the CI rule: fail loudly).</summary>
    public static void Require()
    {
        Prerequisites.Require();
        if (!File.Exists(Path)) throw new InvalidOperationException($"{Path} was not found; the dashboard's browser tests need it (apt-get install chromium, or CELERIAC_CHROMIUM).");
    }
}

/// <summary>A test in a real browser against the dashboard: skipped outside CI when Chromium, redis-server or Python Celery is missing, failing in CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.SkipReason() is { } reason) Skip = reason;
    }
}
