namespace Celeriac;

/// <summary>
/// A value created on first use, like <see cref="Lazy{T}"/> in its thread-safe mode, except that a
/// factory that throws is not remembered: the next use calls it again. <see cref="Lazy{T}"/> would
/// rethrow the first exception for the life of the app, so a provider that connects while it is
/// created (a broker down at that moment) would leave the app without a broker until a restart.
/// </summary>
internal sealed class LazyUntilSuccess<T>(Func<T> create) where T : class
{
    private readonly Lock _gate = new();
    private T? _value;

    /// <summary>The value, created now if no earlier call succeeded.</summary>
    public T Value
    {
        get
        {
            if (Volatile.Read(ref _value) is { } value) return value;
            // One creation at a time, so two callers never create (and leak) two transports.
            lock (_gate)
            {
                if (_value is null) Volatile.Write(ref _value, create());
                return _value;
            }
        }
    }

    /// <summary>Whether a value exists (what dispose looks at).</summary>
    public bool IsValueCreated => Volatile.Read(ref _value) is not null;
}
