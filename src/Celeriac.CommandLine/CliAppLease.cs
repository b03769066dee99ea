namespace Celeriac.CommandLine;

/// <summary>
/// The app a command talks through, from <see cref="CliAppFactory.Open"/>: disposed at the end of the command when
/// the command line made it, left open when it is the embedded app, which belongs to its caller.
/// </summary>
internal sealed class CliAppLease(CeleriacApp app, bool owned) : IAsyncDisposable
{
    public CeleriacApp App { get; } = app;

    public ValueTask DisposeAsync() => owned ? App.DisposeAsync() : ValueTask.CompletedTask;
}
