using System.Text;
using Microsoft.Extensions.Logging;

namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>Keeps Warning-and-above lines in memory: a failing scenario shows what the server said.</summary>
internal sealed class LinesLoggerProvider(StringBuilder lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LinesLogger(lines, categoryName);

    public void Dispose()
    {
    }

    private sealed class LinesLogger(StringBuilder lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (lines) lines.AppendLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
        }
    }
}
