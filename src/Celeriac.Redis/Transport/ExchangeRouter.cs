using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Celeriac.Redis.Client;
using Celeriac.Redis.Layout;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Transport;

/// <summary>
/// Finds the queues a named exchange routes to, as kombu's virtual exchanges do (docs/protocol.md §2.2, §2.5):
/// the exchange's type from a local, in-process declaration table (undeclared means direct; Celery's
/// <c>celeryev</c> and <c>celery.pidbox</c> are fanout on Redis, docs/protocol.md §2.7), the bindings from the
/// <c>_kombu.binding.&lt;exchange&gt;</c> set. Binding sets are cached for a second, and a lookup
/// that finds no queue in a cached set reads the set again before giving up, so a queue bound a
/// moment ago by another process is not missed.
/// </summary>
internal sealed class ExchangeRouter(RedisClient redis, RedisLayout layout)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, ExchangeKind> _kinds = new(StringComparer.Ordinal)
    {
        ["celeryev"] = ExchangeKind.Fanout,
        ["celery.pidbox"] = ExchangeKind.Fanout,
    };
    private readonly ConcurrentDictionary<string, (long FetchedAt, Binding[] Bindings)> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Regex?> _patterns = new(StringComparer.Ordinal);

    private readonly record struct Binding(string RoutingKey, string Pattern, string Queue);

    /// <summary>The exchange's type in this process (direct unless declared otherwise).</summary>
    public ExchangeKind KindOf(string exchange) => _kinds.TryGetValue(exchange, out var kind) ? kind : ExchangeKind.Direct;

    /// <summary>Records an exchange's type, as kombu's <c>exchange_declare</c> does (locally only).</summary>
    public void Declare(string exchange, ExchangeKind kind) => _kinds[exchange] = kind;

    /// <summary>Forgets a cached binding set after this process changed it.</summary>
    public void Invalidate(string exchange) => _tables.TryRemove(exchange, out _);

    /// <summary>The pattern stored in a binding member: kombu's regex for topic exchanges, empty otherwise.</summary>
    public string PatternFor(string exchange, string routingKey) =>
        KindOf(exchange) == ExchangeKind.Topic ? RedisLayout.TopicPattern(routingKey) : "";

    /// <summary>
    /// The queues <paramref name="exchange"/> routes <paramref name="routingKey"/> to: the key itself
    /// for the anonymous exchange, else the matching bindings (fanout: every bound queue, which only
    /// a restore of a fanout delivery asks for).
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> RouteAsync(string exchange, string routingKey, CancellationToken cancellationToken)
    {
        if (exchange.Length == 0) return [routingKey];
        var kind = KindOf(exchange);
        var cached = _tables.TryGetValue(exchange, out var entry) && Environment.TickCount64 - entry.FetchedAt < CacheFor.TotalMilliseconds;
        var bindings = cached ? entry.Bindings : await FetchAsync(exchange, cancellationToken).ConfigureAwait(false);
        var queues = Match(bindings, kind, routingKey);
        if (queues.Count == 0 && cached) queues = Match(await FetchAsync(exchange, cancellationToken).ConfigureAwait(false), kind, routingKey);
        return queues;
    }

    private async ValueTask<Binding[]> FetchAsync(string exchange, CancellationToken cancellationToken)
    {
        var reply = await redis.ExecuteAsync(new RedisCommand("SMEMBERS", layout.BindingKey(exchange)), cancellationToken).ConfigureAwait(false);
        var bindings = new List<Binding>();
        foreach (var member in reply.AsArray())
        {
            // Members of another shape are someone else's; kombu would choke on them, we skip them.
            if (layout.ParseBindingMember(member.AsString() ?? "") is { } parsed) bindings.Add(new Binding(parsed.RoutingKey, parsed.Pattern, parsed.Queue));
        }
        var table = bindings.ToArray();
        _tables[exchange] = (Environment.TickCount64, table);
        return table;
    }

    private List<string> Match(Binding[] bindings, ExchangeKind kind, string routingKey)
    {
        var queues = new List<string>();
        foreach (var binding in bindings)
        {
            var matches = kind switch
            {
                ExchangeKind.Fanout => true,
                ExchangeKind.Topic => Matches(Pattern(binding.Pattern), routingKey),
                _ => string.Equals(binding.RoutingKey, routingKey, StringComparison.Ordinal),
            };
            if (matches && !queues.Contains(binding.Queue)) queues.Add(binding.Queue);
        }
        return queues;
    }

    private static bool Matches(Regex? pattern, string routingKey)
    {
        try
        {
            return pattern?.IsMatch(routingKey) ?? false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false; // a pathological pattern from another process must not stall publishing
        }
    }

    // kombu matches with Python's re; its patterns (escaped words, .*? and [^\.]) read the same in
    // .NET. An empty pattern matches everything there too. A pattern .NET cannot parse matches nothing.
    private Regex? Pattern(string pattern) => _patterns.GetOrAdd(pattern, static p =>
    {
        try
        {
            return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    });
}
