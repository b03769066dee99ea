using Microsoft.Extensions.Logging;

namespace Celeriac.CommandLine.Logging;

/// <summary>Celery's <c>-l/--loglevel</c> names and what they mean to .NET's logging.</summary>
internal static class CeleryLogLevel
{
    /// <summary>The names <c>-l</c> accepts, as Celery's <c>--loglevel</c> lists them (it also takes WARN and FATAL).</summary>
    public static readonly string[] Names = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

    /// <summary>A level name (any case; <c>WARN</c> and <c>FATAL</c> too) as a .NET level.</summary>
    /// <exception cref="CliException">Not a level name (a usage error).</exception>
    public static LogLevel Parse(string name) => name.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "WARNING" or "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "CRITICAL" or "FATAL" => LogLevel.Critical,
        _ => throw CliException.Usage($"--loglevel '{name}' is not one of {string.Join(", ", Names)}"),
    };

    /// <summary>The name Celery prints for a level: <c>INFO</c>, <c>WARNING</c>, …</summary>
    public static string NameOf(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };
}
