using Celeriac.CommandLine.Logging;
using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Celeriac.CommandLine.Commands.Worker;

/// <summary>
/// <c>celery worker</c>'s options, as System.CommandLine options, and <see cref="Read"/>, which checks their values
/// (a bad one is a usage error naming the flag) and returns them as <see cref="WorkerSettings"/>.
/// </summary>
internal sealed class WorkerFlags
{
    public Option<string?> Hostname { get; } = new("--hostname", "-n")
    {
        Description = "Node name, e.g. w1@%h; expands %h (host name), %n (its first label), %d (domain). A name without @ becomes celery@NAME.",
    };

    public Option<int> Concurrency { get; } = new("--concurrency", "-c") { Description = "Execution slots: how many tasks run at once." };

    public Option<string?> Queues { get; } = new("--queues", "-Q") { Description = "Comma-separated queues to consume (default: the app's default queue)." };

    public Option<string?> ExcludeQueues { get; } = new("--exclude-queues", "-X") { Description = "Comma-separated queues not to consume." };

    public Option<bool> TaskEvents { get; } = new("--task-events", "-E", "--events") { Description = "Send task events (task-received, task-started, …) for monitors." };

    public Option<bool> Beat { get; } = new("--beat", "-B") { Description = "Also run the beat (the app's periodic tasks, and -s's) in this worker." };

    public Option<string?> Schedule { get; } = new("--schedule", "-s") { Description = "With -B: a schedule file to add (Celery's beat_schedule as JSON)." };

    public Option<string?> BeatState { get; } = new("--beat-state") { Description = "With -B: where the beat keeps each entry's last run (Celery's beat_schedule_filename)." };

    public Option<string?> LogLevel { get; } = new("--loglevel", "-l") { Description = "DEBUG, INFO, WARNING, ERROR or CRITICAL (default WARNING, as Celery)." };

    public Option<int> PrefetchMultiplier { get; } = new("--prefetch-multiplier") { Description = "Messages held per slot (0: no limit)." };

    public Option<string?> Autoscale { get; } = new("--autoscale") { Description = "MAX,MIN: grow the pool up to MAX slots with the backlog, shrink to MIN." };

    public Option<double> TimeLimit { get; } = new("--time-limit") { Description = "Hard time limit in seconds: a task running longer fails." };

    public Option<double> SoftTimeLimit { get; } = new("--soft-time-limit") { Description = "Soft time limit in seconds: a task running longer is cancelled (its token fires)." };

    public Option<bool> Purge { get; } = new("--purge", "--discard") { Description = "Delete every waiting message in the worker's queues before starting." };

    public Option<bool> WithoutHeartbeat { get; } = new("--without-heartbeat") { Description = "With --without-gossip and no -E: send no events at all." };

    public Option<bool> WithoutGossip { get; } = new("--without-gossip") { Description = "Accepted as Celery does (a Celeriac worker keeps no gossip)." };

    public Option<bool> WithoutMingle { get; } = new("--without-mingle") { Description = "Accepted as Celery does (a Celeriac worker does not mingle at start)." };

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[Hostname, Concurrency, Queues, ExcludeQueues, TaskEvents, Beat, Schedule, BeatState, LogLevel,
                     PrefetchMultiplier, Autoscale, TimeLimit, SoftTimeLimit, Purge, WithoutHeartbeat, WithoutGossip, WithoutMingle])
            command.Add(option);
    }

    /// <exception cref="CliException">A value is out of range (a usage error naming the flag).</exception>
    public WorkerSettings Read(ParseResult parsed)
    {
        var concurrency = Given(parsed, Concurrency);
        if (concurrency < 1) throw CliException.Usage($"--concurrency must be at least 1, not {concurrency}");
        var prefetch = Given(parsed, PrefetchMultiplier);
        if (prefetch < 0) throw CliException.Usage($"--prefetch-multiplier must be 0 (no limit) or more, not {prefetch}");
        var beat = parsed.GetValue(Beat);
        var schedule = parsed.GetValue(Schedule);
        var state = parsed.GetValue(BeatState);
        if (!beat && (schedule ?? state) is not null) throw CliException.Usage("-s/--schedule and --beat-state need -B/--beat");
        return new WorkerSettings
        {
            Hostname = parsed.GetValue(Hostname) is { } name ? NodeName.Expand(name) : null,
            Concurrency = concurrency,
            Queues = List(parsed.GetValue(Queues)),
            ExcludeQueues = List(parsed.GetValue(ExcludeQueues)),
            TaskEvents = parsed.GetValue(TaskEvents),
            Beat = beat,
            Schedule = schedule,
            BeatState = state,
            LogLevel = parsed.GetValue(LogLevel) is { } level ? CeleryLogLevel.Parse(level) : null,
            PrefetchMultiplier = prefetch,
            Autoscale = parsed.GetValue(Autoscale) is { } scale ? ParseAutoscale(scale) : null,
            TimeLimit = Seconds("--time-limit", Given(parsed, TimeLimit)),
            SoftTimeLimit = Seconds("--soft-time-limit", Given(parsed, SoftTimeLimit)),
            Purge = parsed.GetValue(Purge),
            WithoutHeartbeat = parsed.GetValue(WithoutHeartbeat),
            WithoutGossip = parsed.GetValue(WithoutGossip),
        };
    }

    // A value option's value, or null when it was not given (its parse error names the plain type, not Nullable`1).
    private static T? Given<T>(ParseResult parsed, Option<T> option) where T : struct =>
        parsed.GetResult(option) is null ? null : parsed.GetValue(option);

    private static IReadOnlyList<string> List(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// <c>MAX,MIN</c> as Celery's <c>--autoscale</c> reads it: one number is MAX with MIN 0, and the two are
    /// sorted, so <c>2,10</c> means the same as <c>10,2</c>.
    /// </summary>
    private static (int Max, int Min) ParseAutoscale(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new List<int>();
        foreach (var part in parts)
            numbers.Add(int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw CliException.Usage($"--autoscale '{value}': expected MAX,MIN (two whole numbers) or MAX"));
        if (numbers.Count > 2) throw CliException.Usage($"--autoscale '{value}': expected MAX,MIN (two whole numbers) or MAX");
        var (max, min) = numbers.Count == 1 ? (numbers[0], 0) : (Math.Max(numbers[0], numbers[1]), Math.Min(numbers[0], numbers[1]));
        if (max < 1) throw CliException.Usage($"--autoscale '{value}': MAX must be at least 1");
        return (max, min);
    }

    private static TimeSpan? Seconds(string flag, double? value) => value switch
    {
        null => null,
        > 0 and < 1e9 => TimeSpan.FromSeconds(value.Value),
        _ => throw CliException.Usage($"{flag} must be a positive number of seconds, not {value}"),
    };
}
