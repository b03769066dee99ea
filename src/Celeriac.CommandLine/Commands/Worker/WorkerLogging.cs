using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// <c>-l/--loglevel</c> on the app's logging while the worker runs. An app without a logger gets a console logger on
/// stderr at that level (WARNING when not given, Celery's default); an app with its own keeps it, filtered at the
/// level when one is given (a filter can raise its minimum, not lower what the app's own configuration drops).
/// Disposing puts the app's logger back.
/// </summary>
internal sealed class WorkerLogging : IDisposable
{
    private readonly CeleriacOptions _options;
    private readonly ILoggerFactory _original;
    private readonly ILoggerFactory? _created;

    private WorkerLogging(CeleriacOptions options, ILoggerFactory? created, ILoggerFactory used)
    {
        _options = options;
        _original = options.LoggerFactory;
        _created = created;
        options.LoggerFactory = used;
    }

    public static WorkerLogging Apply(CeleriacOptions options, LogLevel? level)
    {
        if (ReferenceEquals(options.LoggerFactory, NullLoggerFactory.Instance))
        {
            var console = LoggerFactory.Create(b => b
                .SetMinimumLevel(level ?? LogLevel.Warning)
                // The console logger writes to stdout unless told; a worker's log goes to stderr, as Celery's does.
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "[yyyy-MM-dd HH:mm:ss,fff] ";
                }));
            return new WorkerLogging(options, console, console);
        }
        return new WorkerLogging(options, null, level is { } minimum ? new MinimumLevelLoggerFactory(options.LoggerFactory, minimum) : options.LoggerFactory);
    }

    public void Dispose()
    {
        _options.LoggerFactory = _original;
        _created?.Dispose();
    }
}
