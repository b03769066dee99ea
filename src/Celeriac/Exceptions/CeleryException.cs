using System.Text.Json.Nodes;
using Celeriac.Protocol.Results;

namespace Celeriac.Exceptions;

/// <summary>
/// An exception that is stored under a Python exception name, so Python clients rebuild it as the
/// type they know (<c>NotRegistered</c>, <c>TimeLimitExceeded</c>, <c>ValueError</c>, …). Throw one
/// from a task to choose the name Python peers see: <c>throw new CeleryException("ValueError", "builtins", "bad input")</c>.
/// </summary>
public class CeleryException : Exception
{
    /// <summary>Creates an exception stored as <paramref name="excType"/> from <paramref name="excModule"/>.</summary>
    public CeleryException(string excType, string excModule, string message, Exception? inner = null) : base(message, inner)
    {
        ExcType = excType;
        ExcModule = excModule;
    }

    /// <summary>Python class name written to <c>exc_type</c>.</summary>
    public string ExcType { get; }

    /// <summary>Python module written to <c>exc_module</c>.</summary>
    public string ExcModule { get; }

    /// <summary>The exception's args as stored in <c>exc_message</c>; by default <c>[Message]</c>.</summary>
    public virtual JsonArray ExcArguments => [Message];

    /// <summary>The stored form.</summary>
    public ExceptionInfo ToExceptionInfo() => new(ExcType, ExcArguments, ExcModule);
}
