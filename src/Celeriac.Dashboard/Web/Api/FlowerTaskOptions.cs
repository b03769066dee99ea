using System.Globalization;
using System.Text.Json.Nodes;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// The body of Flower's <c>apply</c>/<c>async-apply</c>/<c>send-task</c>: <c>{args, kwargs, …apply_async options}</c>,
/// read as Flower reads it (<c>get_task_args</c>, <c>normalize_options</c>: eta as <c>%Y-%m-%d %H:%M:%S.%f</c> or ISO,
/// countdown seconds, expires seconds or a time). Options Celeriac does not know are ignored, as apply_async does.
/// </summary>
internal sealed record FlowerTaskOptions(JsonArray Args, JsonObject Kwargs, TaskSendOptions Options)
{
    public static (FlowerTaskOptions? Value, string? Error) Read(JsonObject? body)
    {
        body ??= [];
        if (body["args"] is { } a && a is not JsonArray) return (null, "args must be an array");
        if (body["kwargs"] is { } k && k is not JsonObject) return (null, "kwargs must be an object");
        try
        {
            var options = new TaskSendOptions
            {
                TaskId = Text(body, "task_id"),
                Queue = Text(body, "queue"),
                Exchange = Text(body, "exchange"),
                RoutingKey = Text(body, "routing_key"),
                Priority = body["priority"] is { } p ? p.GetValue<int>() : null,
                Countdown = Number(body, "countdown") is { } c ? TimeSpan.FromSeconds(c) : null,
                Eta = Text(body, "eta") is { } eta ? Time(eta) : null,
            };
            if (body["expires"] is JsonValue e)
                options = e.TryGetValue<string>(out var text) && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? options with { Expires = Time(text) }
                    : options with { ExpiresIn = TimeSpan.FromSeconds(Number(body, "expires")!.Value) };
            return (new FlowerTaskOptions((JsonArray?)body["args"]?.DeepClone() ?? [], (JsonObject?)body["kwargs"]?.DeepClone() ?? [], options), null);
        }
        catch (Exception x) when (x is FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            return (null, "Invalid option: " + x.Message);
        }
    }

    private static string? Text(JsonObject body, string key) => body[key]?.GetValue<string>();

    private static double? Number(JsonObject body, string key) => body[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        var v => v.GetValue<double>(),
    };

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var flower)
            ? flower
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
