using System.CommandLine;
using Celeriac.Dashboard;
using Celeriac.Dashboard.Store;

namespace Celeriac.CommandLine.Commands.Dashboard;

/// <summary>
/// <c>celeriac dashboard -b URL</c>: the dashboard as its own web server (Flower's <c>celery flower</c>), history in a
/// SQLite file or PostgreSQL. Local requests only unless <c>--allow-remote</c>, which needs <c>--basic-auth</c> (or
/// an explicit <c>--insecure-no-auth</c>). Runs until Ctrl+C/SIGTERM, then stops and exits 0.
/// </summary>
internal static class DashboardCommand
{
    public const string Name = "dashboard";

    public static readonly string[] Examples =
    [
        "celeriac dashboard -b redis://localhost:6379/0",
        "celeriac dashboard -b amqp://guest@localhost// --result-backend redis://localhost:6379/1 --postgres \"Host=db;Username=celeriac;Password=…\"",
        "celeriac dashboard -b redis://localhost:6379/0 --host 0.0.0.0 --allow-remote --basic-auth ops:s3cret --url-prefix /celeriac",
        "celeriac dashboard -b redis://localhost:6379/0 --read-only --beat-schedule schedule.json --retention-days 30",
    ];

    public static Command Create(GlobalOptions options, TextWriter output)
    {
        var port = new Option<int>("--port") { Description = "The port to serve on (Flower's 5555; 0: any free port).", DefaultValueFactory = _ => 5555, HelpName = "port" };
        var host = new Option<string>("--host") { Description = "The address to listen on.", DefaultValueFactory = _ => "127.0.0.1", HelpName = "address" };
        var sqlite = new Option<string?>("--sqlite") { Description = "The SQLite file history is kept in (default: celeriac-dashboard.db here).", HelpName = "path" };
        var postgres = new Option<string?>("--postgres") { Description = "Keep history in PostgreSQL instead (a connection string).", HelpName = "connstr" };
        var readOnly = new Option<bool>("--read-only") { Description = "Show everything, change nothing: actions are hidden and refused." };
        var allowRemote = new Option<bool>("--allow-remote")
        {
            Description = "Serve requests from other machines (by default only this one's). The dashboard can revoke, purge and shut workers down, " +
                "so this needs --basic-auth, or --insecure-no-auth to say you protect it some other way (a VPN, an authenticating proxy).",
        };
        var insecure = new Option<bool>("--insecure-no-auth") { Description = "With --allow-remote: serve remote requests without authentication." };
        var basicAuth = new Option<string?>("--basic-auth") { Description = "Require HTTP Basic authentication as user:password (use TLS in front of it).", HelpName = "user:password" };
        var prefix = new Option<string>("--url-prefix") { Description = "Serve under this path, e.g. /celeriac behind a proxy.", DefaultValueFactory = _ => "/", HelpName = "path" };
        var beatSchedule = new Option<string?>("--beat-schedule") { Description = "A beat schedule file (as for celeriac beat -s), so the beat page shows its entries.", HelpName = "file" };
        var retentionDays = new Option<double?>("--retention-days") { Description = "Keep history this many days (default 7).", HelpName = "days" };
        var maxTasks = new Option<long?>("--max-tasks") { Description = "Keep at most this many tasks (default 1,000,000).", HelpName = "n" };
        var command = new Command(Name, "Serve the web dashboard: workers, tasks (search, retry, revoke), workflows, queues, beat and metrics, with history kept in SQLite or PostgreSQL, until Ctrl+C.")
        {
            port, host, sqlite, postgres, readOnly, allowRemote, insecure, basicAuth, prefix, beatSchedule, retentionDays, maxTasks,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = options.Read(parsed);
            var dashboard = Read(parsed, port, host, sqlite, postgres, readOnly, allowRemote, insecure, basicAuth, prefix, beatSchedule, retentionDays, maxTasks);
            var lease = CliAppFactory.Open(settings);
            await using (lease.ConfigureAwait(false))
                return await DashboardHost.RunAsync(lease.App, dashboard, output, parsed.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static DashboardSettings Read(ParseResult parsed, Option<int> port, Option<string> host, Option<string?> sqlite, Option<string?> postgres,
        Option<bool> readOnly, Option<bool> allowRemote, Option<bool> insecure, Option<string?> basicAuth, Option<string> prefix, Option<string?> beatSchedule,
        Option<double?> retentionDays, Option<long?> maxTasks)
    {
        var sqlitePath = parsed.GetValue(sqlite);
        var postgresConnection = parsed.GetValue(postgres);
        if (sqlitePath is not null && postgresConnection is not null) throw CliException.Usage("--sqlite and --postgres: choose one store");
        var credentials = parsed.GetValue(basicAuth) is { } auth ? BasicCredentials.Parse(auth) : null;
        var remote = parsed.GetValue(allowRemote);
        if (remote && credentials is null && !parsed.GetValue(insecure))
            throw CliException.Usage("--allow-remote lets anyone who reaches the port act on your workers: add --basic-auth user:password (or --insecure-no-auth if something else authenticates)");
        if (parsed.GetValue(insecure) && !remote) throw CliException.Usage("--insecure-no-auth only makes sense with --allow-remote");
        var days = parsed.GetValue(retentionDays);
        if (days is { } d && (!double.IsFinite(d) || d <= 0)) throw CliException.Usage($"--retention-days must be a positive number, not {d}");
        var max = parsed.GetValue(maxTasks);
        if (max is <= 0) throw CliException.Usage($"--max-tasks must be a positive number, not {max}");
        var beat = parsed.GetValue(beatSchedule);
        if (beat is not null && !File.Exists(beat)) throw CliException.Usage($"--beat-schedule {beat}: no such file");
        var isReadOnly = parsed.GetValue(readOnly);
        return new DashboardSettings(
            DashboardSettings.CheckHost(parsed.GetValue(host)!),
            DashboardSettings.CheckPort(parsed.GetValue(port)),
            DashboardSettings.CheckPrefix(parsed.GetValue(prefix)!),
            credentials, remote, beat,
            o =>
            {
                if (sqlitePath is not null) o.SqlitePath = sqlitePath;
                o.PostgresConnectionString = postgresConnection;
                o.ReadOnly = isReadOnly;
                o.LocalRequestsOnly = !remote;
                if (days is not null || max is not null)
                    o.Retention = new RetentionPolicy
                    {
                        MaxAge = days is { } keep ? TimeSpan.FromDays(keep) : o.Retention.MaxAge,
                        MaxTasks = max ?? o.Retention.MaxTasks,
                    };
            });
    }
}
