using Celeriac.Dashboard.Store;

namespace Celeriac.Dashboard;

/// <summary>
/// How the dashboard stores history and who may use it; set through
/// <c>services.AddCeleriacDashboard(o =&gt; …)</c>.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>
    /// The SQLite file history is kept in when no PostgreSQL connection string is set
    /// (<c>celeriac-dashboard.db</c> in the working directory by default).
    /// </summary>
    public string SqlitePath { get; set; } = "celeriac-dashboard.db";

    /// <summary>A PostgreSQL connection string; when set, history is kept there instead of the SQLite file.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Args, kwargs, results and tracebacks are kept whole up to this many characters (64 Ki by default).</summary>
    public int MaxPayloadLength { get; set; } = 64 * 1024;

    /// <summary>How long and how many tasks history keeps (7 days and 1,000,000 tasks by default).</summary>
    public RetentionPolicy Retention { get; set; } = new() { MaxAge = TimeSpan.FromDays(7), MaxTasks = 1_000_000 };

    /// <summary>How long an offline worker stays listed before it ages out (1 day by default).</summary>
    public TimeSpan OfflineWorkerRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Serve only requests from this machine (true by default, as Hangfire's dashboard). Endpoints given an
    /// authorization policy (<c>MapCeleriacDashboard(…).RequireAuthorization(policy)</c>) serve remote
    /// requests whatever this says: the policy decides who may.
    /// </summary>
    public bool LocalRequestsOnly { get; set; } = true;

    /// <summary>Show everything, change nothing: actions are hidden in the pages and refused by the API (403).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Ingest events from the broker into the store (true by default; false for a dashboard reading a store another process fills).</summary>
    public bool IngestEvents { get; set; } = true;

    /// <summary>
    /// While ingesting, broadcast <c>enable_events</c> at start and every minute, as Flower does, so workers started
    /// without <c>-E</c> (task events off) still report their tasks (true by default).
    /// </summary>
    public bool EnableWorkerEvents { get; set; } = true;

    /// <summary>The title shown in the page header.</summary>
    public string Title { get; set; } = "Celeriac";
}
