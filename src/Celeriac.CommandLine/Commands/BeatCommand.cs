using System.CommandLine;
using Celeriac.Beat;
using Celeriac.Beat.Schedules;
using Celeriac.CommandLine.Logging;
using Celeriac.Control.Mailbox.Commands;
using Microsoft.Extensions.Logging;

namespace Celeriac.CommandLine.Commands;

/// <summary>
/// <c>celeriac beat -s schedule.json</c>: Celery's <c>celery beat</c>, from the contract's schedule JSON (docs/beat.md,
/// "The entry JSON"). Beat needs no task code: it sends each due run by name. Runs until Ctrl+C/SIGTERM, then gives its
/// lease up (a replica takes over at once) and exits 0. Given an app (embedded mode), its own entries run too.
/// </summary>
internal static class BeatCommand
{
    public static readonly string[] Examples =
    [
        "celeriac beat -s schedule.json -b redis://localhost:6379/0 -l info",
        "celeriac beat -s schedule.json -b amqp://guest@localhost// --state /var/lib/beat/state.json --timezone Europe/Berlin",
    ];

    /// <param name="options">The global options.</param>
    /// <param name="output">Where the banner goes (the log goes to the invocation's error writer).</param>
    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var schedule = new Option<string?>("--schedule", "-s") { Description = "The schedule: Celery's beat_schedule as JSON (entries with task, schedule, args, kwargs, options…).", HelpName = "file" };
        var state = new Option<string?>("--state", "--beat-state") { Description = "Where to keep each entry's last run when the broker has no shared store (RabbitMQ; on Redis it lives in Redis). Default: celeriac-beat-state.json.", HelpName = "file" };
        var name = new Option<string>("--schedule-name") { Description = "Beats with the same schedule name on one broker elect one publisher.", DefaultValueFactory = _ => "default", HelpName = "name" };
        var maxInterval = new Option<double?>("--max-interval") { Description = "The longest the scheduler sleeps between checks, in seconds (default 1).", HelpName = "seconds" };
        var level = new Option<string>("--loglevel", "-l") { Description = $"Logging level: {string.Join(", ", CeleryLogLevel.Names)}.", DefaultValueFactory = _ => "WARNING", HelpName = "level" };
        var timezone = new Option<string?>("--timezone") { Description = "The IANA zone crontab entries are read in (Celery's timezone; default UTC).", HelpName = "zone" };
        var command = new Command("beat", "Run the periodic-task scheduler from a schedule file: publish each due run, exactly once across replicas, until Ctrl+C.")
        {
            schedule, state, name, maxInterval, level, timezone,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var minimum = CeleryLogLevel.Parse(parsed.GetValue(level)!);
            var interval = parsed.GetValue(maxInterval);
            if (interval is { } s && (!double.IsFinite(s) || s <= 0)) throw CliException.Usage($"--max-interval must be a positive number of seconds, not {s}");
            var zone = parsed.GetValue(timezone);
            if (zone is not null && !BeatTimeZones.TryFind(zone, out _)) throw CliException.Usage($"--timezone '{zone}' is not a known IANA time zone");
            // In an app's command line (embedded mode) the app's own entries run too, on its own connection.
            if (zone is not null && settings.App is not null) throw CliException.Usage("--timezone: an app's beat reads its entries in the app's Timezone; set it there");
            var log = new CeleryLogWriter(parsed.InvocationConfiguration.Error, minimum);
            var lease = CliAppFactory.Open(settings, configure: o =>
            {
                o.LoggerFactory = log;
                if (zone is not null) o.Timezone = zone;
            });
            await using (lease.ConfigureAwait(false))
            {
                var beatApp = lease.App;
                var file = parsed.GetValue(schedule);
                var loaded = file is null ? 0 : LoadSchedule(beatApp, file);
                if (beatApp.Beat.Defined.Count == 0)
                    throw CliException.Usage(file is null ? "No schedule: pass -s/--schedule FILE (Celery's beat_schedule as JSON)" : $"schedule {file}: no entries");
                var beatOptions = new Action<BeatOptions>(o =>
                {
                    o.ScheduleName = parsed.GetValue(name)!;
                    if (parsed.GetValue(state) is { } path) o.StateFile = path;
                    if (interval is { } seconds) o.MaxLoopInterval = TimeSpan.FromSeconds(seconds);
                });
                await using var beat = beatApp.CreateBeat(beatOptions);
                var banner = BeatBanner.Text(ConfigCommands.Version(), beatApp.Options.BrokerUrl,
                    Loader(file, loaded, beatApp.Beat.Defined.Count - loaded), Db(beatApp, beat.Options), CeleryLogLevel.NameOf(minimum),
                    beat.Options.MaxLoopInterval, DateTime.Now);
                await output.WriteLineAsync(banner).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                // Celery logs each run at INFO from its scheduler ("Scheduler: Sending due task NAME (TASK)").
                beat.Signals.Raised += signal =>
                {
                    if (signal.Kind == BeatSignalKind.Published) log.Write(LogLevel.Information, $"Scheduler: Sending due task {signal.Entry} ({signal.Task})");
                };
                log.Write(LogLevel.Information, "beat: Starting...");
                return await RunAsync(beat, log, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    /// <summary>Runs until <paramref name="stopping"/> fires (Ctrl+C, SIGTERM), then stops, giving the lease up: exit 0.</summary>
    private static async Task<int> RunAsync(CeleriacBeat beat, CeleryLogWriter log, CancellationToken stopping)
    {
        try
        {
            await beat.StartAsync(stopping).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        log.Write(LogLevel.Information, "beat: Shutting down...");
        await beat.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return CliExitCode.Ok;
    }

    /// <summary>
    /// Adds the file's entries to the app's (also for a worker's <c>-B -s FILE</c>); a file that is missing or does not read,
    /// or an entry in an unknown zone, is a usage error naming its problem. Returns how many entries it added.
    /// </summary>
    internal static int LoadSchedule(CeleriacApp app, string file)
    {
        if (!File.Exists(file)) throw CliException.Usage($"schedule {file}: no such file");
        IReadOnlyList<BeatEntry> entries;
        try
        {
            entries = app.Beat.AddFile(file);
        }
        catch (FormatException e)
        {
            // The reader's message names the file, the entry and what is wrong with it.
            throw CliException.Usage(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"schedule {file}: {e.Message}");
        }
        foreach (var entry in entries)
        {
            try
            {
                BeatZones.For(entry, app.Options);
            }
            catch (TimeZoneNotFoundException e)
            {
                throw CliException.Usage($"schedule {file}: {e.Message}");
            }
        }
        return entries.Count;
    }

    private static string Loader(string? file, int fromFile, int fromApp) => (file, fromApp) switch
    {
        (null, _) => $"the app ({fromApp} entries)",
        (_, 0) => $"{file} ({fromFile} entries)",
        _ => $"{file} ({fromFile} entries) and the app ({fromApp} entries)",
    };

    /// <summary>Where the runs are recorded: Redis shares them between replicas; other brokers use this process's state file.</summary>
    private static string Db(CeleriacApp app, BeatOptions options) =>
        app.Options.BrokerUrl.StartsWith("redis", StringComparison.OrdinalIgnoreCase) ? $"redis (celeriac.beat.{options.ScheduleName}.*)"
        : options.StateFile ?? "memory";
}
