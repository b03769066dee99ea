using Spectre.Console;

namespace Quickstart;

/// <summary>The end-of-run report: states, failure types, throughput, latency, and the verdict.</summary>
public static class Summary
{
    /// <summary>Prints the report; returns true when every outcome was the expected one.</summary>
    public static bool Print(IAnsiConsole console, RunReport run)
    {
        var outcomes = run.Outcomes;
        var states = new Table().Border(TableBorder.Rounded).AddColumn("State").AddColumn(new TableColumn("Tasks").RightAligned());
        foreach (var group in outcomes.GroupBy(o => o.State).OrderByDescending(g => g.Count()))
            states.AddRow(new Text(group.Key), new Text(group.Count().ToString()));

        var failures = new Table().Border(TableBorder.Rounded).ShowRowSeparators()
            .AddColumn(new TableColumn("Failure type (task)").NoWrap()).AddColumn(new TableColumn("Tasks").RightAligned()).AddColumn("Example message");
        foreach (var group in outcomes.Where(o => o.State != "SUCCESS").GroupBy(o => o.ErrorType ?? o.State).OrderByDescending(g => g.Count()))
        {
            var example = group.First();
            failures.AddRow(new Markup($"{Markup.Escape(group.Key)}\n[dim]{Markup.Escape(example.TaskName)}[/]"),
                new Text(group.Count().ToString()), new Text(example.ErrorMessage ?? ""));
        }

        var latencies = outcomes.Select(o => o.Latency.TotalMilliseconds).Order().ToArray();
        var metrics = new Grid().AddColumn().AddColumn()
            .AddRow("Tasks", outcomes.Count.ToString())
            .AddRow("Elapsed", $"{run.Elapsed.TotalSeconds:F2} s")
            .AddRow("Throughput", $"{outcomes.Count / run.Elapsed.TotalSeconds:F0} tasks/s")
            .AddRow("Latency", $"p50 {Percentile(latencies, 0.50):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms (send to result; all sent at once)");

        console.Write(states);
        if (failures.Rows.Count > 0) console.Write(failures);
        console.Write(metrics);
        console.WriteLine();

        var unexpected = outcomes.Where(o => !o.AsExpected).ToList();
        if (unexpected.Count == 0)
        {
            var deliberate = outcomes.Count(o => o.State != "SUCCESS");
            console.MarkupLine($"[green]OK[/]: all {outcomes.Count} outcomes as expected, including {deliberate} deliberate failure{(deliberate == 1 ? "" : "s")}.");
            return true;
        }
        console.MarkupLine($"[red]UNEXPECTED[/]: {unexpected.Count} of {outcomes.Count} outcomes differ from what the tasks should do:");
        foreach (var o in unexpected.Take(10))
            console.WriteLine($"  {o.TaskName}: {o.State} {o.ErrorType}: {o.ErrorMessage}");
        return false;
    }

    // Nearest-rank percentile of sorted values.
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
