using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>
/// Finds PostgreSQL's server programs: <c>CELERIAC_PG_BIN</c> when set (a folder without initdb counts as
/// missing), else Debian's newest <c>/usr/lib/postgresql/N/bin</c>, else PATH.
/// </summary>
internal static class PostgresTools
{
    public const string Install = "apt-get install postgresql";

    public static string? BinDirectory()
    {
        var overridden = Environment.GetEnvironmentVariable("CELERIAC_PG_BIN");
        if (!string.IsNullOrEmpty(overridden)) return File.Exists(Path.Combine(overridden, "initdb")) ? overridden : null;
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null) return newest;
        }
        return ExternalTool.Find("initdb") is { } initdb ? Path.GetDirectoryName(initdb) : null;
    }

    /// <summary>The skip reason when PostgreSQL is missing outside CI; null otherwise (with CI=true a missing one fails).</summary>
    public static string? SkipReason() =>
        BinDirectory() is null && !ExternalTool.IsCi
            ? $"PostgreSQL is not installed ({Install}); skipped outside CI. With CI=true this test fails instead."
            : null;
}

