namespace Celeriac.Protocol.Tests.Support;

/// <summary>
/// Sorts every vector file into the category whose tests read it. Prefix categories pick up new
/// captures automatically; files with one-off shapes are claimed by name. A file no category
/// claims fails <c>VectorCatalogTests</c>, so a new capture cannot go untested unnoticed.
/// </summary>
public static class VectorCatalog
{
    public const string GroupSaved = "result_group_saved";
    public const string ChordJoinCommands = "result_redis_chord_join_commands";
    public const string UnackedEntry = "redis_unacked_entry";
    public const string BindingsAndSubscriptions = "redis_bindings_and_subscriptions";
    public const string HandcraftedEnvelopes = "interop_handcrafted_envelopes";

    private static readonly string[] OneOffResults = [GroupSaved, ChordJoinCommands];

    /// <summary>Every vector file name (without <c>.json</c>), sorted.</summary>
    public static IReadOnlyList<string> AllFiles() =>
        Directory.GetFiles(VectorDirectory.Path, "*.json")
            .Select(f => System.IO.Path.GetFileNameWithoutExtension(f))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static IEnumerable<string> TaskFiles() => WithPrefix("task_");

    public static IEnumerable<string> ResultMetaFiles() => WithPrefix("result_").Except(OneOffResults);

    public static IEnumerable<string> EventFiles() => WithPrefix("event_");

    public static IEnumerable<string> ControlFiles() => WithPrefix("pidbox_");

    /// <summary>Files with their own shape, each read by a dedicated test class.</summary>
    public static IEnumerable<string> OneOffFiles() =>
        [GroupSaved, ChordJoinCommands, UnackedEntry, BindingsAndSubscriptions, HandcraftedEnvelopes];

    /// <summary>(category, file) for every claim, used to prove every file is covered.</summary>
    public static IEnumerable<(string Category, string File)> Claims() =>
        TaskFiles().Select(f => ("task", f))
            .Concat(ResultMetaFiles().Select(f => ("result", f)))
            .Concat(EventFiles().Select(f => ("event", f)))
            .Concat(ControlFiles().Select(f => ("control", f)))
            .Concat(OneOffFiles().Select(f => ("one-off", f)));

    // ---- MemberData sources -------------------------------------------------------------------

    /// <summary>One row per task message: (file, index into <c>messages</c>).</summary>
    public static IEnumerable<object[]> TaskMessages() =>
        TaskFiles().SelectMany(f => Enumerable.Range(0, Vector.Load(f).Arr("messages").Count)
            .Select(i => new object[] { f, i }));

    /// <summary>Task messages in protocol v2 (task metadata in the headers).</summary>
    public static IEnumerable<object[]> TaskMessagesV2() =>
        TaskMessages().Where(row => !TaskVectorMessage.Load((string)row[0], (int)row[1]).IsV1);

    /// <summary>Task messages in protocol v1 (empty headers, everything in the body).</summary>
    public static IEnumerable<object[]> TaskMessagesV1() =>
        TaskMessages().Where(row => TaskVectorMessage.Load((string)row[0], (int)row[1]).IsV1);

    public static IEnumerable<object[]> ResultMetas() => ResultMetaFiles().Select(f => new object[] { f });

    public static IEnumerable<object[]> Events() => EventFiles().Select(f => new object[] { f });

    public static IEnumerable<object[]> Controls() => ControlFiles().Select(f => new object[] { f });

    /// <summary>Control files that captured a reply (some commands never reply).</summary>
    public static IEnumerable<object[]> ControlReplies() =>
        ControlFiles().Where(f => Vector.Load(f)["reply"] is not null).Select(f => new object[] { f });

    private static IEnumerable<string> WithPrefix(string prefix) =>
        AllFiles().Where(f => f.StartsWith(prefix, StringComparison.Ordinal));
}
