namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>
/// Finds the programs the integration tests run (redis-server, openssl) and decides what a missing
/// one means: with CI=true the test fails (a server that silently is not there must not turn a red
/// build green); on a developer machine it is skipped with a message saying what to install.
/// </summary>
internal static class ExternalTool
{
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ||
        Environment.GetEnvironmentVariable("CI") == "1";

    /// <summary>
    /// The program's path: <c>CELERIAC_REDIS_SERVER</c> / <c>CELERIAC_OPENSSL</c> when set (a path
    /// that does not exist counts as missing, which is also how the CI rule is checked), else PATH.
    /// </summary>
    public static string? Find(string name)
    {
        var overridden = Environment.GetEnvironmentVariable("CELERIAC_" + name.Replace('-', '_').ToUpperInvariant());
        if (!string.IsNullOrEmpty(overridden)) return File.Exists(overridden) ? overridden : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        foreach (var dir in new[] { "/usr/bin", "/usr/local/bin", "/usr/sbin" })
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The skip reason when <paramref name="name"/> is missing outside CI; null otherwise.</summary>
    public static string? SkipReason(string name, string install) =>
        Find(name) is null && !IsCi
            ? $"{name} is not installed ({install}); skipped outside CI. With CI=true this test fails instead."
            : null;

    /// <summary>The path of <paramref name="name"/>, or a failure that says how to get it.</summary>
    public static string Require(string name, string install) =>
        Find(name) ?? throw new InvalidOperationException(
            $"{name} was not found (PATH, or CELERIAC_{name.Replace('-', '_').ToUpperInvariant()}); the Redis integration tests need it ({install}).");
}
