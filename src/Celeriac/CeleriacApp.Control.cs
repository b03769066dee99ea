using Celeriac.Control;

namespace Celeriac;

/// <content>Remote control of the cluster's workers (Celery's <c>app.control</c>).</content>
public sealed partial class CeleriacApp
{
    private CeleriacControl? _control;

    /// <summary>
    /// Remote control and inspection of workers, Python's and Celeriac's alike: <c>app.Control.Inspect().PingAsync()</c>,
    /// <c>app.Control.RevokeAsync([...])</c>, … Needs a broker with fanout (memory://, redis://).
    /// </summary>
    public CeleriacControl Control
    {
        get
        {
            if (Volatile.Read(ref _control) is { } control) return control;
            Interlocked.CompareExchange(ref _control, new CeleriacControl(this), null);
            return _control!;
        }
    }
}
