using Celeriac.Protocol.Results;

namespace Celeriac;

/// <summary>Where a running task's own state updates go (the worker's completer, or the eager store).</summary>
internal interface IResultStorePort
{
    ValueTask StoreStateAsync(ResultMeta meta, CancellationToken cancellationToken);
}
