namespace Celeriac.Tasks;

/// <summary>Where a task parameter's value comes from.</summary>
internal enum ParameterSource
{
    /// <summary>A message argument: positional by index, else keyword by name.</summary>
    Argument,
    /// <summary>The <see cref="TaskContext"/>.</summary>
    Context,
    /// <summary>The task's cancellation token.</summary>
    Cancellation,
    /// <summary>All raw arguments (<see cref="TaskArguments"/>).</summary>
    AllArguments,
    /// <summary>A service from the app's service provider, scoped per task.</summary>
    Service,
    /// <summary>
    /// An <c>ILogger</c> or <c>ILogger&lt;T&gt;</c> from the app's logger factory
    /// (<see cref="CeleriacOptions.LoggerFactory"/>, else the services' one), or a null logger.
    /// </summary>
    Logger,
}
