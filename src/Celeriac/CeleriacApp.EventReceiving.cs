using System.Runtime.CompilerServices;
using Celeriac.Events;

namespace Celeriac;

/// <content>Reading the cluster's events (Celery's <c>app.events.Receiver</c>).</content>
public sealed partial class CeleriacApp
{
    /// <summary>
    /// The cluster's events matching <paramref name="bindingKey"/> (<c>#</c> all, <c>worker.#</c>, <c>task.#</c>),
    /// from Python and Celeriac workers alike, until <paramref name="cancellationToken"/> fires. Subscribes
    /// when enumeration starts; use <see cref="EventReceiver.OpenAsync"/> to know when it listens.
    /// </summary>
    public async IAsyncEnumerable<CeleryEventInfo> ReceiveEventsAsync(string bindingKey = "#", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var receiver = await EventReceiver.OpenAsync(this, bindingKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        await foreach (var e in receiver.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return e;
    }
}
