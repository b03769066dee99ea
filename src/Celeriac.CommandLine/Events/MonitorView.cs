using System.Globalization;
using Celeriac.Events;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Celeriac.CommandLine.Events;

/// <summary>
/// One frame of the live view, drawn from <see cref="ClusterState"/> snapshots: a header (broker, counts), the
/// workers table, then either the latest tasks (newest first, as many as fit the height) or the selected task's
/// details, and a line of keys. Every row is one line (no wrapping), so the frame's height is known.
/// </summary>
internal sealed class MonitorView
{
    private const int ArgsWidth = 40;
    private const int HeaderLines = 2;     // title line, blank line
    private const int TableChrome = 4;     // Simple border: top, header separator, bottom, title line
    private const int FooterLines = 2;     // blank line, keys
    private const int NarrowWidth = 120;   // below this the least needed columns go, so rows stay one line

    public required string Broker { get; init; }

    public required IReadOnlyList<WorkerSnapshot> Workers { get; init; }

    /// <summary>Newest first.</summary>
    public required IReadOnlyList<TaskSnapshot> Tasks { get; init; }

    public required long EventCount { get; init; }

    public string? SelectedId { get; init; }

    public bool ShowDetail { get; init; }

    public required double Now { get; init; }

    /// <summary>The tasks newest first: by when they were received (or sent), then by their latest event.</summary>
    public static IReadOnlyList<TaskSnapshot> Newest(IEnumerable<TaskSnapshot> tasks) =>
        tasks.OrderByDescending(FirstSeen).ThenByDescending(t => t.Timestamp ?? 0).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();

    /// <summary>The frame for a screen <paramref name="width"/> columns wide and <paramref name="height"/> lines high.</summary>
    public IRenderable Render(int width, int height)
    {
        var narrow = width < NarrowWidth;
        var parts = new List<IRenderable> { Header(width), Text.Empty, WorkersTable(narrow) };
        // An empty table says why below it: a placeholder row would widen its first column.
        if (Workers.Count == 0) parts.Add(Cell("  No worker seen yet.", Color.Grey));
        var used = HeaderLines + TableChrome + Math.Max(Workers.Count, 1) + FooterLines;
        var selected = Tasks.FirstOrDefault(t => t.Id == SelectedId);
        if (ShowDetail && selected is not null) parts.Add(Detail(selected));
        else
        {
            parts.Add(TasksTable(Math.Max(height - used - TableChrome, 1), narrow));
            if (Tasks.Count == 0) parts.Add(Cell("  No task event yet: workers send them when started with -E or after `celeriac control enable_events`.", Color.Grey));
        }
        parts.Add(Text.Empty);
        parts.Add(new Markup(ShowDetail
            ? "[bold]Esc[/]/[bold]Enter[/] back   [bold]q[/] quit"
            : "[bold]q[/] quit   [bold]↑↓[/]/[bold]j k[/] select   [bold]Enter[/]/[bold]i[/] details"));
        return new Rows(parts);
    }

    private Text Header(int width)
    {
        var online = Workers.Count(w => w.IsOnline);
        var states = Tasks.GroupBy(t => t.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}");
        var tasks = Tasks.Count == 0 ? "0" : $"{Tasks.Count} ({string.Join(", ", states)})";
        var line = $"celeriac events  {Broker}   workers: {online} online / {Workers.Count}   tasks: {tasks}   events: {EventCount}";
        return new Text(Shorten(line, width), new Style(decoration: Decoration.Bold));
    }

    private Table WorkersTable(bool narrow)
    {
        var table = NewTable("Workers", "Worker", "Status", "Software", "Active", "Processed", "Load average", "Heartbeat");
        foreach (var w in Workers.OrderBy(w => w.Hostname, StringComparer.Ordinal))
        {
            var system = narrow || w.SoftwareSystem is null ? null : $"({w.SoftwareSystem})";
            var software = string.Join(' ', new[] { w.SoftwareIdent, w.SoftwareVersion, system }.Where(p => p is not null));
            table.AddRow(
                Cell(w.Hostname),
                w.IsOnline ? Cell("online", Color.Green) : Cell("offline", Color.Red),
                Cell(software),
                Cell(w.Active?.ToString(CultureInfo.InvariantCulture) ?? ""),
                Cell(w.Processed?.ToString(CultureInfo.InvariantCulture) ?? ""),
                Cell(w.LoadAverage is { } l ? string.Join(narrow ? "," : " ", l.Select(x => x.ToString(narrow ? "0.0" : "0.00", CultureInfo.InvariantCulture))) : ""),
                Cell(w.LastHeartbeat is { } beat ? Ago(beat) : "—"));
        }
        return table;
    }

    private Table TasksTable(int rows, bool narrow)
    {
        var table = narrow
            ? NewTable("Latest tasks", "UUID", "Name", "State", "Worker", "Received")
            : NewTable("Latest tasks", "UUID", "Name", "State", "Worker", "Received", "Started", "Runtime", "Args");
        // Scrolled so the selected task stays on screen when it has moved below the last row.
        var at = SelectedId is null ? -1 : Tasks.ToList().FindIndex(t => t.Id == SelectedId);
        foreach (var t in Tasks.Skip(Math.Max(0, at - rows + 1)).Take(rows))
        {
            var selected = t.Id == SelectedId;
            Text C(string value, Color? colour = null) => Cell(value, colour, selected);
            var cells = new List<Text>
            {
                C((selected ? "›" : "") + t.Id), C(t.Name ?? ""), C(t.State, StateColour(t.State)), C(t.Worker ?? ""),
                C(Clock(t, "received") ?? Clock(t, "sent") ?? ""),
            };
            if (!narrow)
            {
                cells.Add(C(Clock(t, "started") ?? ""));
                cells.Add(C(t.Runtime is { } r ? $"{r.ToString("0.000", CultureInfo.InvariantCulture)}s" : ""));
                cells.Add(C(Shorten(t.Args ?? "", ArgsWidth)));
            }
            table.AddRow(cells);
        }
        return table;
    }

    private static Panel Detail(TaskSnapshot t)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        }
        Add("UUID", t.Id);
        Add("Name", t.Name);
        Add("State", t.State);
        Add("Worker", t.Worker);
        Add("Client", t.Client);
        Add("Args", t.Args);
        Add("Kwargs", t.Kwargs);
        Add("Result", t.Result);
        Add("Exception", t.Exception);
        Add("Retries", t.Retries?.ToString(CultureInfo.InvariantCulture));
        Add("ETA", t.Eta);
        Add("Expires", t.Expires);
        Add("Root id", t.RootId);
        Add("Parent id", t.ParentId);
        foreach (var (state, time) in t.StateTimes.OrderBy(s => s.Value)) Add(char.ToUpperInvariant(state[0]) + state[1..], LocalTime(time, "yyyy-MM-dd HH:mm:ss.fff"));
        Add("Runtime", t.Runtime is { } r ? $"{r.ToString("0.000###", CultureInfo.InvariantCulture)} s" : null);
        Add("Traceback", t.Traceback?.TrimEnd());
        return new Panel(grid) { Header = new PanelHeader("Task"), Expand = true };
    }

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table { Border = TableBorder.Simple, Expand = true, Title = new TableTitle(title, new Style(decoration: Decoration.Bold)) };
        foreach (var c in columns) table.AddColumn(new TableColumn(c).NoWrap());
        return table;
    }

    // The selected task's row is drawn inverted (and marked with › for a terminal without colours).
    private static Text Cell(string value, Color? colour = null, bool selected = false) =>
        new(value, new Style(foreground: colour, decoration: selected ? Decoration.Invert : Decoration.None)) { Overflow = Overflow.Ellipsis };

    private static Color? StateColour(string state) => state switch
    {
        "SUCCESS" => Color.Green,
        "FAILURE" or "REJECTED" => Color.Red,
        "REVOKED" => Color.Grey,
        "RETRY" => Color.Yellow,
        "STARTED" => Color.Blue,
        _ => null,
    };

    private string Ago(double then)
    {
        var seconds = Math.Max(0, Now - then);
        return seconds < 60 ? $"{seconds:0}s ago" : seconds < 3600 ? $"{seconds / 60:0}m ago" : $"{seconds / 3600:0}h ago";
    }

    private static string? Clock(TaskSnapshot t, string state) =>
        t.StateTimes.TryGetValue(state, out var time) ? LocalTime(time, "HH:mm:ss") : null;

    private static string LocalTime(double unix, string format) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000)).ToLocalTime().ToString(format, CultureInfo.InvariantCulture);

    private static double FirstSeen(TaskSnapshot t) =>
        t.StateTimes.TryGetValue("received", out var r) ? r : t.StateTimes.TryGetValue("sent", out var s) ? s : t.Timestamp ?? 0;

    private static string Shorten(string text, int width) =>
        text.Length <= width ? text : width < 2 ? text[..Math.Max(width, 0)] : text[..(width - 1)] + "…";
}
