using System.Collections.Concurrent;
using Celeriac.Beat;
using Celeriac.Beat.Store;
using Celeriac.Worker;

namespace Celeriac.Tests.Beat;

/// <summary>The beat embedded in a worker (Celery's <c>worker -B</c>): the worker runs what its beat publishes, and a stop releases the lease.</summary>
public sealed class WorkerBeatTests
{
    [Fact]
    public async Task A_worker_with_RunBeat_runs_its_beats_tasks_and_stops_cleanly_releasing_the_lease()
    {
        await using var bed = new BeatTestBed();
        var h = bed.App();
        var ran = new ConcurrentQueue<int>();
        h.App.Task("beat.tick", (int n) => { ran.Enqueue(n); return n; });
        h.App.Beat.Add("tick", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "beat.tick", [7]);
        var (worker, signals) = await h.StartWorkerAsync(w => w.RunBeat = true);
        var beat = worker.Beat!;
        bed.Watch(beat);
        beat.IsPublisher.Should().BeTrue();

        await bed.RunForAsync(TimeSpan.FromSeconds(3));
        foreach (var run in bed.PublishedOf("tick")) await signals.CompletedAsync(run.TaskId!);
        ran.Should().Equal(7, 7, 7);

        var schedule = LocalBeatSchedule.For(h.App.Transport, "default");
        schedule.Holder.Should().Be(beat.Identity);
        await bed.StopAsync(beat); // already part of the worker: its own stop below must cope with it
        await worker.StopAsync();
        worker.Beat.Should().BeNull();
        schedule.Holder.Should().BeNull("the lease is released at shutdown");
        bed.Signals.Should().Contain(s => s.Signal.Kind == BeatSignalKind.Stopped);
    }

    [Fact]
    public async Task The_worker_stops_its_beat_first_and_another_worker_takes_over()
    {
        await using var bed = new BeatTestBed();
        var a = bed.App();
        var b = bed.App(sameBrokerAs: a);
        foreach (var h in new[] { a, b }) h.App.Beat.Add("tick", BeatSchedule.Every(TimeSpan.FromSeconds(1)), "beat.tick");
        var (workerA, _) = await a.StartWorkerAsync(w => { w.RunBeat = true; w.Beat = new BeatOptions { StateFile = null }; });
        var (workerB, _) = await b.StartWorkerAsync(w => { w.RunBeat = true; w.Beat = new BeatOptions { StateFile = null }; });
        bed.Watch(workerA.Beat!);
        bed.Watch(workerB.Beat!);
        var (first, second) = workerA.Beat!.IsPublisher ? (workerA, workerB) : (workerB, workerA);
        var secondBeat = second.Beat!;

        await bed.RunForAsync(TimeSpan.FromSeconds(3));
        await bed.StopAsync(first.Beat!);
        await first.StopAsync();
        await bed.RunForAsync(TimeSpan.FromSeconds(3));

        secondBeat.IsPublisher.Should().BeTrue();
        bed.PublishedOf("tick").Select(p => p.Slot).Should().Equal(Enumerable.Range(1, 6).Select(i => BeatTestBed.Noon.AddSeconds(i)));
    }
}
