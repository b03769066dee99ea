using Celeriac.Protocol.Results;

namespace Celeriac.Exceptions;

/// <summary>Turns .NET exceptions into the stored form (SPEC §4.4).</summary>
internal static class ExceptionInfoFactory
{
    /// <summary>
    /// <see cref="CeleryException"/>s keep their Python names; other exceptions are stored under
    /// their .NET class name and namespace, which Python clients rebuild as a synthesized type of
    /// that name (never a real Python module/attribute pair that is not an exception).
    /// </summary>
    public static ExceptionInfo From(Exception exception)
    {
        exception = Unwrap(exception);
        if (exception is CeleryException celery) return celery.ToExceptionInfo();
        var type = exception.GetType();
        return ExceptionInfo.Of(type.Name, type.Namespace ?? "", exception.Message);
    }

    /// <summary>The traceback text stored with a failure: the .NET exception with its stack trace.</summary>
    public static string Traceback(Exception exception) => Unwrap(exception).ToString();

    private static Exception Unwrap(Exception exception) =>
        exception is System.Reflection.TargetInvocationException { InnerException: { } inner } ? Unwrap(inner)
        : exception is AggregateException { InnerExceptions.Count: 1 } agg ? Unwrap(agg.InnerExceptions[0])
        : exception;
}
