namespace Celeriac.Control.Mailbox;

/// <summary>A command's argument is missing or of the wrong type; replied as Python's <c>TypeError</c>.</summary>
internal sealed class ControlArgumentException(string message) : Exception(message);
