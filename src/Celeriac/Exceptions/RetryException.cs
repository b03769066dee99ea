using System.Text.Json.Nodes;
using Celeriac.Protocol.Json;

namespace Celeriac.Exceptions;

/// <summary>
/// Celery's <c>Retry</c>: the task asked to run again later. Get one from
/// <see cref="TaskContext.Retry"/> and throw it; the worker publishes the retry message (same id,
/// <c>retries + 1</c>, an eta) and stores RETRY (docs/protocol.md §5.5).
/// </summary>
public sealed class RetryException : CeleryException
{
    internal RetryException(Exception? cause, DateTimeOffset eta, TimeSpan countdown, JsonArray? args, JsonObject? kwargs)
        : base("Retry", CeleryExceptions.CeleryModule, Describe(cause, countdown), cause)
    {
        Eta = eta;
        Countdown = countdown;
        Args = args;
        Kwargs = kwargs;
    }

    /// <summary>When the retry runs.</summary>
    public DateTimeOffset Eta { get; }

    /// <summary>How long after now the retry runs.</summary>
    public TimeSpan Countdown { get; }

    /// <summary>Positional arguments for the retry; null keeps the current ones.</summary>
    internal JsonArray? Args { get; }

    /// <summary>Keyword arguments for the retry; null keeps the current ones.</summary>
    internal JsonObject? Kwargs { get; }

    private static string Describe(Exception? cause, TimeSpan countdown)
    {
        var when = $"Retry in {(long)countdown.TotalSeconds}s";
        return cause is null ? when : $"{when}: {ExceptionInfoFactory.From(cause).Repr}";
    }
}
