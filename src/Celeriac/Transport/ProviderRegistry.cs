using Celeriac.Backends;
using Celeriac.Memory;

namespace Celeriac.Transport;

/// <summary>
/// Chooses a transport and a result backend by URL scheme. <c>memory://</c> is built in; transport
/// packages add their schemes (<c>options.UseRedis()</c> adds <c>redis</c> and <c>rediss</c>).
/// </summary>
internal sealed class ProviderRegistry
{
    private readonly Dictionary<string, Func<ProviderContext, ITransport>> _transports = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<ProviderContext, IResultBackend>> _backends = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A registry that knows <c>memory://</c>.</summary>
    public ProviderRegistry()
    {
        AddTransport("memory", c => InMemoryBroker.Named(c.Url.Host).CreateTransport());
        AddResultBackend("memory", c => InMemoryResultStore.Named(c.Url.Host).CreateBackend(c.Options.TimeProvider, c.Options.ResultExpires));
    }

    /// <summary>Registers (or replaces) the transport for a URL scheme.</summary>
    public ProviderRegistry AddTransport(string scheme, Func<ProviderContext, ITransport> factory)
    {
        _transports[scheme] = factory;
        return this;
    }

    /// <summary>Registers (or replaces) the result backend for a URL scheme.</summary>
    public ProviderRegistry AddResultBackend(string scheme, Func<ProviderContext, IResultBackend> factory)
    {
        _backends[scheme] = factory;
        return this;
    }

    /// <summary>The schemes with a transport.</summary>
    public IEnumerable<string> TransportSchemes => _transports.Keys;

    /// <summary>The schemes with a result backend.</summary>
    public IEnumerable<string> BackendSchemes => _backends.Keys;

    /// <summary>True when a transport is registered for <paramref name="scheme"/>.</summary>
    public bool HasTransport(string scheme) => _transports.ContainsKey(scheme);

    /// <summary>True when a result backend is registered for <paramref name="scheme"/>.</summary>
    public bool HasBackend(string scheme) => _backends.ContainsKey(scheme);

    internal ITransport CreateTransport(ProviderContext context) => Create(_transports, context, "transport");

    internal IResultBackend CreateBackend(ProviderContext context) => Create(_backends, context, "result backend");

    private static T Create<T>(Dictionary<string, Func<ProviderContext, T>> factories, ProviderContext context, string what) =>
        factories.TryGetValue(context.Url.Scheme, out var factory)
            ? factory(context)
            : throw new NotSupportedException(
                $"No {what} for '{context.Url.Scheme}://' (known: {string.Join(", ", factories.Keys.Select(k => k + "://"))}). " +
                $"Reference the {what} package and register it, e.g. options.UseRedis().");
}
