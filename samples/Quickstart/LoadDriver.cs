using System.Collections.Concurrent;
using System.Diagnostics;
using Celeriac;
using Celeriac.Exceptions;
using Spectre.Console;

namespace Quickstart;

/// <summary>What happened to one job.</summary>
/// <param name="TaskName">The task's name.</param>
/// <param name="State">SUCCESS or FAILURE as stored; TIMEOUT when no result came, ERROR when reading it failed.</param>
/// <param name="ErrorType">The stored exception type of a failure.</param>
/// <param name="ErrorMessage">The stored exception message of a failure.</param>
/// <param name="Latency">From just before sending to the result being read.</param>
/// <param name="AsExpected">True when the state, error type or value is what the job expected.</param>
public sealed record Outcome(string TaskName, string State, string? ErrorType, string? ErrorMessage, TimeSpan Latency, bool AsExpected);

/// <summary>All outcomes of a run and how long it took.</summary>
public sealed record RunReport(IReadOnlyList<Outcome> Outcomes, TimeSpan Elapsed);

/// <summary>Sends every job at once and waits for the results, with a live progress display.</summary>
public static class LoadDriver
{
    /// <summary>Sends the <see cref="Workload"/> of <paramref name="count"/> tasks and collects the outcomes.</summary>
    public static async Task<RunReport> RunAsync(IAnsiConsole console, CeleriacApp app, QuickstartTasks tasks, int count)
    {
        var outcomes = new ConcurrentQueue<Outcome>();
        var clock = Stopwatch.StartNew();
        await console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var results = progress.AddTask(Describe(0, 0), maxValue: count);
                var import = progress.AddTask("tasks.import_rows PROGRESS", maxValue: Workload.ImportRows);
                var jobs = Workload.Plan(app, tasks, count, done => import.Value = done);
                int ok = 0, failed = 0;
                await Task.WhenAll(jobs.Select(async job =>
                {
                    var outcome = await RunOneAsync(job);
                    outcomes.Enqueue(outcome);
                    if (outcome.State == "SUCCESS") Interlocked.Increment(ref ok);
                    else Interlocked.Increment(ref failed);
                    results.Description = Describe(Volatile.Read(ref ok), Volatile.Read(ref failed));
                    results.Increment(1);
                }));
            });
        return new RunReport(outcomes.ToArray(), clock.Elapsed);
    }

    private static string Describe(int ok, int failed) => $"results [green]{ok} ok[/] [red]{failed} failed[/]";

    private static async Task<Outcome> RunOneAsync(Job job)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var correct = await job.SendAndCheck();
            var latency = Stopwatch.GetElapsedTime(started);
            return new Outcome(job.TaskName, "SUCCESS", null, correct ? null : "wrong result", latency, correct && job.ExpectedError is null);
        }
        catch (TaskFailedException ex)
        {
            // The worker stored a FAILURE: its exception type and message come back with it.
            return new Outcome(job.TaskName, ex.State, ex.ExceptionType, ex.ExceptionMessage, Stopwatch.GetElapsedTime(started), ex.ExceptionType == job.ExpectedError);
        }
        catch (Exception ex)
        {
            var state = ex is TimeoutException or OperationCanceledException ? "TIMEOUT" : "ERROR";
            return new Outcome(job.TaskName, state, ex.GetType().Name, ex.Message, Stopwatch.GetElapsedTime(started), false);
        }
    }
}
