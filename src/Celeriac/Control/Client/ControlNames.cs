namespace Celeriac.Control.Client;

/// <summary>Celery's default mailbox names (docs/protocol.md §7.1), for <c>control_exchange = "celery"</c>.</summary>
internal static class ControlNames
{
    /// <summary>The fanout exchange requests are published to.</summary>
    public const string PidboxExchange = "celery.pidbox";

    /// <summary>The direct exchange replies are sent to, routed by the client's oid.</summary>
    public const string ReplyExchange = "reply.celery.pidbox";

    /// <summary>Celery's default reply timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);
}
