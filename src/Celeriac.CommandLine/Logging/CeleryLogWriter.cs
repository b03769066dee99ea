using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Celeriac.CommandLine.Logging;

/// <summary>
/// Logs as Celery's command-line programs do, one line per entry on a writer (stderr):
/// <c>[2026-12-07 18:47:16,376: INFO/MainProcess] Scheduler: Sending due task every-second (x.y)</c>, local time.
/// A logger factory of its own so the tool needs no logging package; <see cref="AddProvider"/> is not supported.
/// </summary>
internal sealed class CeleryLogWriter(TextWriter writer, LogLevel minimum, TimeProvider? clock = null) : ILoggerFactory
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The lowest level written.</summary>
    public LogLevel Minimum => minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The command line's log writes to its own writer.");

    public void Dispose()
    {
    }

    /// <summary>Writes one entry (also for lines the command itself logs, such as Celery's "beat: Starting...").</summary>
    public void Write(LogLevel level, string message, Exception? exception = null)
    {
        if (level < minimum || level == LogLevel.None) return;
        var now = _clock.GetLocalNow();
        var line = $"[{now.ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture)}: {CeleryLogLevel.NameOf(level)}/MainProcess] {message}";
        // One line per entry: an exception adds its message (unless the entry already says it), not a stack trace.
        if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal)) line += $": {CliApp.OneLine(exception)}";
        lock (_lock)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private sealed class Logger(CeleryLogWriter owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner.Write(logLevel, formatter(state, exception), exception);
        }
    }
}
