namespace Celeriac.Redis.Transport;

/// <summary>Exchange types of kombu's virtual transport (docs/protocol.md §2.2, §2.5).</summary>
internal enum ExchangeKind
{
    /// <summary>Routes to queues bound with the same routing key (kombu's default for undeclared exchanges).</summary>
    Direct,

    /// <summary>Routes to queues whose binding pattern (a regex kombu stored) matches the routing key.</summary>
    Topic,

    /// <summary>PUBLISH to subscribers; no lists involved (docs/protocol.md §2.6).</summary>
    Fanout,
}
