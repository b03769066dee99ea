using System.Globalization;
using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;

namespace Celeriac.Diagnostics;

/// <summary>
/// Where <c>celeriac.task.queue_wait</c> starts. Celery's protocol carries no send time, so a
/// publisher whose queue-wait histogram has a listener stamps one header, <c>celeriac_sent_at</c>
/// (Unix seconds, a float, from the app's clock); with no listener nothing is added and the message
/// is byte for byte what it was. Python workers copy unknown headers into the request and ignore
/// them. The wait is measured from the later of that stamp and the ETA (an ETA task is not waiting
/// in a queue before its ETA); a message without the stamp (sent by Python, or by a publisher nobody
/// measures) counts from its ETA when it has one, else is not measured — a guess would be a lie.
/// A beat's runs are stamped when their batch is built. Clocks of different machines may disagree:
/// a negative wait is
/// recorded as 0.
/// </summary>
internal static class QueueWait
{
    /// <summary>The header: a snake_case name, as Celery's own headers are.</summary>
    public const string Header = "celeriac_sent_at";

    /// <summary>Stamps the send time on <paramref name="message"/> (replacing a copied one, e.g. a retry's).</summary>
    public static void Stamp(TaskMessage message, DateTimeOffset now) =>
        message.ExtraHeaders[Header] = now.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>
    /// A beat run, encoded before its store publishes it in a batch: stamped and encoded again, only
    /// while someone measures (the stamp is the batch's build time, one store call before it goes out).
    /// </summary>
    public static Beat.Store.BeatRun Beat(CeleriacApp app, Beat.Store.BeatRun run, TaskMessage message)
    {
        if (!app.Metrics.QueueWait.Enabled) return run;
        Stamp(message, app.Options.TimeProvider.GetUtcNow());
        return run with { Message = TaskMessageCodec.Encode(message) };
    }

    /// <summary>What a copy of a message (a retry) must not carry over: the original's send time.</summary>
    public static void Forget(JsonObject headers) => headers.Remove(Header);

    /// <summary>When the wait began, or null when the message does not say.</summary>
    public static DateTimeOffset? Since(TaskMessage message)
    {
        var sent = message.ExtraHeaders.TryGetPropertyValue(Header, out var node) ? Read(node) : null;
        return (sent, message.Eta) switch
        {
            ({ } s, { } eta) => eta > s ? eta : s,
            ({ } s, null) => s,
            (null, var eta) => eta,
        };
    }

    private static DateTimeOffset? Read(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        double seconds;
        if (value.TryGetValue<double>(out var d)) seconds = d;
        else if (value.TryGetValue<string>(out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) seconds = parsed;
        else return null;
        if (double.IsNaN(seconds) || seconds < 0 || seconds > 253402300799) return null; // not a time: ignored, never thrown
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
    }
}
