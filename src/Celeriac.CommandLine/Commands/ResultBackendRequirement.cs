namespace Celeriac.CommandLine.Commands;

/// <summary>
/// Commands that read results (<c>result</c>, <c>call --wait</c>) need a result backend; without one the app's
/// disabled backend would fail only once the task is sent, so they check first and say what to pass.
/// </summary>
internal static class ResultBackendRequirement
{
    /// <exception cref="CliException">No backend, or <c>disabled</c> (exit 2).</exception>
    public static void Check(CliSettings settings, string what)
    {
        if (CeleriacOptions.IsDisabled(settings.ResultBackend))
            throw CliException.Usage(
                $"{what} needs a result backend: pass --result-backend (e.g. --result-backend redis://localhost:6379/1) or set {GlobalOptions.BackendVariable}");
    }
}
