namespace Celeriac.Exceptions;

/// <summary>
/// The message's arguments do not fit the task's parameters: missing, extra or of the wrong type.
/// Stored as Python's <c>TypeError</c>, which is what a Python worker raises in the same case.
/// </summary>
public sealed class TaskArgumentException(string message, Exception? inner = null)
    : CeleryException("TypeError", "builtins", message, inner);
