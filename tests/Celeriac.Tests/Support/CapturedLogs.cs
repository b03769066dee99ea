using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Celeriac.Tests.Support;

/// <summary>
/// A logger provider (and the factory an app takes) that keeps every formatted log line, with the
/// exception text a console logger would print under it, so a test can assert what was written.
/// </summary>
internal sealed class CapturedLogs : ILoggerProvider, ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every line so far: the formatted message, then the exception's text when there is one.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._lines.Enqueue(exception is null ? formatter(state, exception) : formatter(state, exception) + Environment.NewLine + exception);
    }
}
