using System.CommandLine;
using System.Globalization;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>call</c>'s calling and routing options, Celery's <c>celery call</c> flags, read into a
/// <see cref="TaskSendOptions"/>. Times are read here, not by System.CommandLine, so a bad one is a usage error
/// that names the option and shows an example.
/// </summary>
internal sealed class CallSendOptions
{
    public Option<string?> Eta { get; } = new("--eta")
    {
        Description = "Run no earlier than this time, ISO 8601 (e.g. 2026-12-24T18:00:00Z; without an offset it is UTC, as Celery's default timezone).",
    };

    public Option<string?> Countdown { get; } = new("--countdown")
    {
        Description = "Run no earlier than this many seconds from now (e.g. 10 or 2.5).",
    };

    public Option<string?> Expires { get; } = new("--expires")
    {
        Description = "Do not run after this: seconds from now (e.g. 60) or an ISO 8601 time.",
    };

    public Option<string?> Queue { get; } = new("--queue")
    {
        Description = "Send to this queue (default: the app's default queue, celery).",
    };

    public Option<string?> Exchange { get; } = new("--exchange")
    {
        Description = "Publish to this exchange instead of straight to the queue.",
    };

    public Option<string?> RoutingKey { get; } = new("--routing-key")
    {
        Description = "Routing key for --exchange (default: the queue name).",
    };

    public Option<string> Serializer { get; } = new("--serializer")
    {
        Description = "Task serializer; only json, which Celery's default is.",
        DefaultValueFactory = _ => "json",
    };

    public void AddTo(Command command)
    {
        command.Add(Eta);
        command.Add(Countdown);
        command.Add(Expires);
        command.Add(Queue);
        command.Add(Exchange);
        command.Add(RoutingKey);
        command.Add(Serializer);
    }

    /// <exception cref="CliException">A time that is not one, --eta with --countdown, a serializer other than json (exit 2).</exception>
    public TaskSendOptions Read(ParseResult parsed)
    {
        var serializer = parsed.GetValue(Serializer);
        if (!string.Equals(serializer, "json", StringComparison.OrdinalIgnoreCase) && !string.Equals(serializer, "application/json", StringComparison.OrdinalIgnoreCase))
            throw CliException.Usage($"--serializer '{serializer}' is not supported: Celeriac sends json only");
        var eta = parsed.GetValue(Eta) is { } etaText ? Time("--eta", etaText) : (DateTimeOffset?)null;
        var countdown = parsed.GetValue(Countdown) is { } countdownText
            ? TimeSpan.FromSeconds(Seconds("--countdown", countdownText) ?? throw CliException.Usage(
                $"--countdown '{countdownText}' is not a number of seconds (e.g. --countdown 10)"))
            : (TimeSpan?)null;
        if (eta is not null && countdown is not null)
            throw CliException.Usage("--eta and --countdown both say when to run: pass one of them");
        DateTimeOffset? expires = null;
        TimeSpan? expiresIn = null;
        if (parsed.GetValue(Expires) is { } expiresText)
        {
            // Celery's ISO8601_OR_FLOAT: a number is seconds from now, anything else must be a time.
            if (Seconds("--expires", expiresText) is { } seconds) expiresIn = TimeSpan.FromSeconds(seconds);
            else expires = Time("--expires", expiresText);
        }
        return new TaskSendOptions
        {
            Eta = eta,
            Countdown = countdown,
            Expires = expires,
            ExpiresIn = expiresIn,
            Queue = NonEmpty(parsed.GetValue(Queue)),
            Exchange = NonEmpty(parsed.GetValue(Exchange)),
            RoutingKey = NonEmpty(parsed.GetValue(RoutingKey)),
        };
    }

    /// <summary>A number of seconds, or null when <paramref name="text"/> is not a number; infinity and NaN are refused.</summary>
    internal static double? Seconds(string option, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)) return null;
        // TimeSpan holds about 29,000 years; beyond that (or not finite) is a typo, not a plan.
        return double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds / 2
            ? seconds
            : throw CliException.Usage($"{option} '{text}' is not a usable number of seconds");
    }

    private static DateTimeOffset Time(string option, string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time)
            ? time
            : throw CliException.Usage($"{option} '{text}' is not an ISO 8601 time (e.g. {option} 2026-12-24T18:00:00Z)");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
