using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Celeriac.Redis.Layout;

/// <summary>
/// Every key and channel name Celery and kombu use on Redis, in one place (docs/protocol.md §2.1–2.8, §4.2,
/// §4.7, §4.8). The broker side honours kombu's <c>broker_transport_options</c>
/// (<c>global_keyprefix</c> prepended verbatim to keys and channels, <c>sep</c>,
/// <c>priority_steps</c>, the <c>unacked*</c> key names); the result side honours
/// <c>result_backend_transport_options</c>' <c>global_keyprefix</c>, which Celery joins with
/// <c>_</c> (docs/protocol.md §4.10).
/// </summary>
internal sealed class RedisLayout
{
    /// <summary>kombu's default separator, the two bytes 0x06 0x16.</summary>
    public const string DefaultSeparator = "\x06\x16";

    private readonly string _brokerPrefix;
    private readonly string _resultPrefix;

    /// <summary>Creates a layout for one database with the given options.</summary>
    public RedisLayout(int database, string brokerKeyPrefix = "", string resultKeyPrefix = "", string separator = DefaultSeparator,
        IReadOnlyList<int>? prioritySteps = null, string unackedKey = "unacked", string unackedIndexKey = "unacked_index",
        string unackedMutexKey = "unacked_mutex")
    {
        Database = database;
        _brokerPrefix = brokerKeyPrefix;
        _resultPrefix = resultKeyPrefix.Length == 0 ? "" : resultKeyPrefix + "_";
        Separator = separator;
        PrioritySteps = (prioritySteps ?? [0, 3, 6, 9]).Order().ToArray();
        if (PrioritySteps.Count == 0 || PrioritySteps[0] != 0) PrioritySteps = [0, .. PrioritySteps.Where(s => s > 0)];
        Unacked = _brokerPrefix + unackedKey;
        UnackedIndex = _brokerPrefix + unackedIndexKey;
        UnackedMutex = _brokerPrefix + unackedMutexKey;
    }

    /// <summary>The numeric database, part of fanout channel names.</summary>
    public int Database { get; }

    /// <summary>Separator in priority list keys and binding members.</summary>
    public string Separator { get; }

    /// <summary>Priority steps, ascending, starting at 0.</summary>
    public IReadOnlyList<int> PrioritySteps { get; }

    /// <summary>
    /// Celeriac's revoke store (no kombu key; docs/architecture.md "Revokes that hold"): a sorted set of
    /// revoked task ids scored by the server's time of the revoke, in the broker's database.
    /// </summary>
    public string RevokedKey => _brokerPrefix + "celeriac.revoked";

    /// <summary>
    /// Celeriac's beat store for one schedule (no kombu key; docs/architecture.md "Beat"): every key of
    /// schedule <paramref name="schedule"/> starts with <c>celeriac.beat.&lt;schedule&gt;.</c> and ends with
    /// <paramref name="part"/> — <c>lease</c> (string <c>holder|term</c> with the server's PX expiry),
    /// <c>term</c> (INCR counter, the fencing term), <c>slots</c> (hash entry → last slot in Unix
    /// microseconds), <c>state</c> (hash entry → state JSON), <c>edits</c> (hash entry → definition
    /// JSON, empty for a removed entry) and <c>edits.version</c> (INCR counter).
    /// </summary>
    public string BeatKey(string schedule, BeatKeyPart part) => _brokerPrefix + "celeriac.beat." + schedule + "." + part switch
    {
        BeatKeyPart.Lease => "lease",
        BeatKeyPart.Term => "term",
        BeatKeyPart.Slots => "slots",
        BeatKeyPart.State => "state",
        BeatKeyPart.Edits => "edits",
        BeatKeyPart.EditsVersion => "edits.version",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "Not a beat key."),
    };

    /// <summary>The ack-emulation hash: delivery tag → <c>[envelope, exchange, routing_key]</c>.</summary>
    public string Unacked { get; }

    /// <summary>The ack-emulation sorted set: delivery tag scored by delivery time.</summary>
    public string UnackedIndex { get; }

    /// <summary>The lock held while restoring timed-out deliveries.</summary>
    public string UnackedMutex { get; }

    /// <summary>The priority step a priority falls in: the largest step ≤ priority (priority clamped to 0–9).</summary>
    public int StepOf(int? priority)
    {
        var p = Math.Clamp(priority ?? 0, 0, 9);
        var step = 0;
        foreach (var s in PrioritySteps) if (s <= p) step = s;
        return step;
    }

    /// <summary>The list holding <paramref name="queue"/>'s messages of a priority: <c>queue</c> or <c>queue\x06\x16&lt;step&gt;</c>.</summary>
    public string QueueKey(string queue, int? priority = null)
    {
        var step = StepOf(priority);
        return step == 0 ? _brokerPrefix + queue : _brokerPrefix + queue + Separator + step.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>All lists of one queue, highest served first (step 0 first; on Redis lower numbers run first).</summary>
    public IEnumerable<string> QueueKeys(string queue) => PrioritySteps.Select(s => QueueKey(queue, s));

    /// <summary>
    /// The keys a consumer pops from, in kombu's order: by priority step first, then by queue
    /// (<c>q1, q2, q1\x06\x163, q2\x06\x163, …</c>; docs/protocol.md §2.3).
    /// </summary>
    public IReadOnlyList<string> ConsumeKeys(IReadOnlyList<string> queues) =>
        PrioritySteps.SelectMany(step => queues.Select(q => QueueKey(q, step))).ToList();

    /// <summary>The queue a list key belongs to: the key without prefix, cut at the last separator.</summary>
    public string QueueOfKey(string key)
    {
        var name = key.StartsWith(_brokerPrefix, StringComparison.Ordinal) ? key[_brokerPrefix.Length..] : key;
        var cut = name.LastIndexOf(Separator, StringComparison.Ordinal);
        return cut >= 0 && int.TryParse(name[(cut + Separator.Length)..], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? name[..cut] : name;
    }

    /// <summary>An exchange's routing table: <c>_kombu.binding.&lt;exchange&gt;</c>.</summary>
    public string BindingKey(string exchange) => _brokerPrefix + "_kombu.binding." + exchange;

    /// <summary>A routing-table member: <c>routing_key + sep + pattern + sep + queue</c>.</summary>
    public string BindingMember(string routingKey, string pattern, string queue) => routingKey + Separator + pattern + Separator + queue;

    /// <summary>Splits a routing-table member into routing key, pattern and queue; null when it has another shape.</summary>
    public (string RoutingKey, string Pattern, string Queue)? ParseBindingMember(string member)
    {
        var parts = member.Split(Separator);
        return parts.Length == 3 ? (parts[0], parts[1], parts[2]) : null;
    }

    /// <summary>
    /// kombu's topic pattern for a binding key (docs/protocol.md §2.5): words regex-escaped, <c>*</c> → <c>.*?[^\.]</c>,
    /// <c>#</c> → <c>.*?</c>, joined with <c>\.</c>, anchored. Looser than AMQP, replicated on purpose.
    /// </summary>
    public static string TopicPattern(string bindingKey)
    {
        var words = bindingKey.Split('.').Select(w => w switch
        {
            "*" => @".*?[^\.]",
            "#" => ".*?",
            _ => Regex.Escape(w),
        });
        return "^" + string.Join(@"\.", words) + "$";
    }

    /// <summary>The channel a fanout publish goes to: <c>/&lt;db&gt;.exchange/routing_key</c>, or without the key when empty (docs/protocol.md §2.6).</summary>
    public string FanoutChannel(string exchange, string routingKey = "") =>
        _brokerPrefix + "/" + Database.ToString(CultureInfo.InvariantCulture) + "." + exchange + (routingKey.Length > 0 ? "/" + routingKey : "");

    /// <summary>The pattern a fanout consumer subscribes to; <c>#</c> in the binding key becomes <c>*</c>.</summary>
    public string FanoutPattern(string exchange, string bindingKey = "") =>
        FanoutChannel(exchange, bindingKey.Replace('#', '*'));

    /// <summary>
    /// The patterns a fanout subscriber with <paramref name="bindingKey"/> listens on. An empty key
    /// or <c>#</c> means everything: the bare channel (publishes without a routing key, such as
    /// kombu's <c>/0.celery.pidbox</c>) and every <c>exchange/…</c> channel.
    /// </summary>
    public IReadOnlyList<string> FanoutPatterns(string exchange, string bindingKey) =>
        bindingKey is "" or "#" ? [FanoutChannel(exchange), FanoutPattern(exchange, "#")] : [FanoutPattern(exchange, bindingKey)];

    /// <summary>The routing key a fanout channel of <paramref name="exchange"/> carries; null for another exchange's channel.</summary>
    public string? RoutingKeyOfChannel(string exchange, string channel)
    {
        var bare = FanoutChannel(exchange);
        if (!channel.StartsWith(bare, StringComparison.Ordinal)) return null;
        if (channel.Length == bare.Length) return "";
        return channel[bare.Length] == '/' ? channel[(bare.Length + 1)..] : null;
    }

    /// <summary>A task's result key and channel: <c>celery-task-meta-&lt;id&gt;</c>.</summary>
    public string TaskMetaKey(string taskId) => _resultPrefix + "celery-task-meta-" + taskId;

    /// <summary>A saved group result: <c>celery-taskset-meta-&lt;gid&gt;</c>.</summary>
    public string GroupMetaKey(string groupId) => _resultPrefix + "celery-taskset-meta-" + groupId;

    /// <summary>Chord join: the finished parts, <c>celery-taskset-meta-&lt;gid&gt;.j</c> (docs/protocol.md §4.8).</summary>
    public string ChordJoinKey(string groupId) => GroupMetaKey(groupId) + ".j";

    /// <summary>Chord join: the header size, <c>celery-taskset-meta-&lt;gid&gt;.s</c>.</summary>
    public string ChordSizeKey(string groupId) => GroupMetaKey(groupId) + ".s";

    /// <summary>Chord join: extra parts added by replaced header tasks, <c>celery-taskset-meta-&lt;gid&gt;.t</c>.</summary>
    public string ChordExtraKey(string groupId) => GroupMetaKey(groupId) + ".t";

    /// <summary>
    /// Chord join, ours only: the claim on sending the body, <c>celery-taskset-meta-&lt;gid&gt;.f</c> —
    /// the claim time in Unix milliseconds, or <c>closed</c>. Python neither reads nor writes it.
    /// </summary>
    public string ChordClaimKey(string groupId) => GroupMetaKey(groupId) + ".f";

    /// <summary>The counter key-value backends use for chord_unlock: <c>chord-unlock-&lt;gid&gt;</c>.</summary>
    public string ChordUnlockKey(string groupId) => _resultPrefix + "chord-unlock-" + groupId;

    /// <summary>UTF-8 bytes of a key (keys may hold the separator's control bytes).</summary>
    public static byte[] Bytes(string key) => Encoding.UTF8.GetBytes(key);
}
