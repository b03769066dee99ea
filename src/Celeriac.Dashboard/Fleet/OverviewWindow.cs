namespace Celeriac.Dashboard.Fleet;

/// <summary>The overview's windows and their chart steps (API16.md): 1 min up to 1 h, 5 min for 6 h, 15 min for 24 h, 1 h for 7 d.</summary>
/// <param name="Name">As the query names it (<c>15m</c>, <c>1h</c>, <c>6h</c>, <c>24h</c>, <c>7d</c>).</param>
/// <param name="Length">How far back it reaches.</param>
/// <param name="Step">One chart point per step.</param>
internal sealed record OverviewWindow(string Name, TimeSpan Length, TimeSpan Step)
{
    public static readonly IReadOnlyList<OverviewWindow> All =
    [
        new("15m", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1)),
        new("1h", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)),
        new("6h", TimeSpan.FromHours(6), TimeSpan.FromMinutes(5)),
        new("24h", TimeSpan.FromHours(24), TimeSpan.FromMinutes(15)),
        new("7d", TimeSpan.FromDays(7), TimeSpan.FromHours(1)),
    ];

    /// <summary>The window named <paramref name="name"/> (1h when null).</summary>
    /// <exception cref="ArgumentException">Not one of the windows.</exception>
    public static OverviewWindow Parse(string? name) =>
        All.FirstOrDefault(w => w.Name == (string.IsNullOrEmpty(name) ? "1h" : name))
        ?? throw new ArgumentException($"window must be one of {string.Join(", ", All.Select(w => w.Name))}, not '{name}'");

    /// <summary>The window's bounds ending with the step that holds <paramref name="now"/>, aligned to steps.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Bounds(DateTimeOffset now)
    {
        var to = new DateTimeOffset((now.UtcTicks / Step.Ticks + 1) * Step.Ticks, TimeSpan.Zero);
        return (to - Length, to);
    }
}
