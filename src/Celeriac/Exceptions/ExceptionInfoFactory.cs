using Celeriac.Protocol.Results;

namespace Celeriac.Exceptions;

/// <summary>Turns .NET exceptions into the stored form (docs/protocol.md §4.4).</summary>
internal static class ExceptionInfoFactory
{
    /// <summary>
    /// <see cref="CeleryException"/>s keep their Python names; other exceptions are stored under
    /// their .NET class name and namespace, which Python clients rebuild as a synthesized type of
    /// that name (never a real Python module/attribute pair that is not an exception). The args
    /// keep at most <see cref="FailureText.MessageMaxLength"/> characters of text.
    /// </summary>
    public static ExceptionInfo From(Exception exception)
    {
        exception = Unwrap(exception);
        if (exception is CeleryException celery)
        {
            var info = celery.ToExceptionInfo();
            var args = FailureText.CapArguments(info.Arguments);
            return ReferenceEquals(args, info.Arguments) ? info : info with { Arguments = args };
        }
        var type = exception.GetType();
        return ExceptionInfo.Of(type.Name, type.Namespace ?? "", FailureText.Cut(exception.Message));
    }

    /// <summary>
    /// The traceback text stored with a failure: the .NET exception with its stack trace, at most
    /// <see cref="FailureText.TracebackMaxLength"/> characters. When a message in the chain is over
    /// <see cref="FailureText.MessageMaxLength"/>, the text is built with the messages cut instead
    /// of through <see cref="Exception.ToString"/>, which would copy each whole message again.
    /// </summary>
    public static string Traceback(Exception exception)
    {
        exception = Unwrap(exception);
        return FailureText.CapTraceback(HasLongMessage(exception) ? Compose(exception) : exception.ToString());
    }

    private static bool HasLongMessage(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception.Message.Length > FailureText.MessageMaxLength) return true;
        return false;
    }

    // Exception.ToString's layout: "Type: message ---> inner\n   --- End of inner exception stack trace ---\n   at ...".
    private static string Compose(Exception exception)
    {
        var text = $"{exception.GetType().FullName}: {FailureText.Cut(exception.Message)}";
        if (exception.InnerException is { } inner)
            text += $" ---> {Compose(inner)}{Environment.NewLine}   --- End of inner exception stack trace ---";
        return exception.StackTrace is { } stack ? text + Environment.NewLine + stack : text;
    }

    private static Exception Unwrap(Exception exception) =>
        exception is System.Reflection.TargetInvocationException { InnerException: { } inner } ? Unwrap(inner)
        : exception is AggregateException { InnerExceptions.Count: 1 } agg ? Unwrap(agg.InnerExceptions[0])
        : exception;
}
