using System.Diagnostics;
using System.Reflection;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// What the interop tests need: redis-server, Python Celery 5.2 (<c>/usr/bin/python3</c> with
/// python3-celery and python3-redis, or <c>CELERIAC_PYTHON</c>) and the built InteropWorker sample.
/// With CI=true a missing one fails the tests; elsewhere they are skipped with a message.
/// </summary>
internal static class Prerequisites
{
    private static readonly Lazy<string?> PythonProblemValue = new(FindPythonProblem);

    /// <summary>The interpreter that has Debian's python3-celery (the <c>python3</c> on PATH may not).</summary>
    public static string Python => Environment.GetEnvironmentVariable("CELERIAC_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>The directory holding <c>interop_tasks.py</c> and <c>client.py</c> (copied next to the tests).</summary>
    public static string PythonDirectory => Path.Combine(AppContext.BaseDirectory, "python");

    /// <summary>The InteropWorker sample built in the tests' configuration (it is a build dependency of this project).</summary>
    public static string InteropWorkerDll =>
        typeof(Prerequisites).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "InteropWorkerDll").Value!;

    /// <summary>Why Python Celery cannot be used here, or null.</summary>
    public static string? PythonProblem => PythonProblemValue.Value;

    /// <summary>The skip reason outside CI when something is missing; null when the tests can run (or must fail: CI).</summary>
    public static string? SkipReason()
    {
        if (ExternalTool.IsCi) return null;
        if (ExternalTool.Find("redis-server") is null) return "redis-server is not installed (apt-get install redis-server); skipped outside CI. With CI=true this test fails instead.";
        if (PythonProblem is { } problem) return problem + "; skipped outside CI. With CI=true this test fails instead.";
        return null;
    }

    /// <summary>True when the fixtures should start servers and workers (everything is there, or CI, where a missing piece must fail).</summary>
    public static bool ShouldStart => SkipReason() is null;

    /// <summary>Throws with what is missing; used by fixtures so a CI run fails loudly.</summary>
    public static void Require()
    {
        ExternalTool.Require("redis-server", "apt-get install redis-server");
        if (PythonProblem is { } problem) throw new InvalidOperationException(problem);
        if (!File.Exists(InteropWorkerDll)) throw new InvalidOperationException($"{InteropWorkerDll} is missing: build samples/InteropWorker (a project reference of the interop tests) in the same configuration.");
    }

    private static string? FindPythonProblem()
    {
        if (!File.Exists(Python)) return $"{Python} not found (apt-get install python3-celery python3-redis)";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(Python, "-c \"import celery, redis, kombu; print(celery.__version__)\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var errors = probe.StandardError.ReadToEndAsync();
            var version = probe.StandardOutput.ReadToEnd().Trim();
            probe.WaitForExit();
            if (probe.ExitCode != 0) return $"{Python} cannot import celery, redis and kombu (apt-get install python3-celery python3-redis python3-amqp): {errors.Result.Trim()}";
            return version.StartsWith("5.", StringComparison.Ordinal) ? null : $"{Python} has Celery {version}; the interop tests are for Celery 5.2";
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return $"{Python} cannot run: {error.Message}";
        }
    }
}

/// <summary>A test against real Python Celery and redis-server: skipped outside CI when one is missing, failing in CI.</summary>
public sealed class InteropFactAttribute : FactAttribute
{
    public InteropFactAttribute()
    {
        if (Prerequisites.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>The theory form of <see cref="InteropFactAttribute"/>.</summary>
public sealed class InteropTheoryAttribute : TheoryAttribute
{
    public InteropTheoryAttribute()
    {
        if (Prerequisites.SkipReason() is { } reason) Skip = reason;
    }
}
