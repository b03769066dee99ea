using System.Collections.Concurrent;
using Celeriac.Beat;
using Celeriac.Testing;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Beat;

/// <summary>
/// Beats on a <see cref="VirtualClock"/> and in-memory brokers, stepped deterministically: the clock
/// moves to the earliest wake time of the running beats, then the test waits until each beat that
/// woke has gone back to sleep. No sleeps in real time.
/// </summary>
internal sealed class BeatTestBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<TestHarness> _apps = [];
    private readonly List<CeleriacBeat> _beats = [];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "celeriac-beat-tests", Guid.NewGuid().ToString("N"));

    public BeatTestBed(DateTimeOffset? start = null)
    {
        Clock = new VirtualClock(start ?? Noon);
        Directory.CreateDirectory(_dir);
        StateFile = Path.Combine(_dir, "beat-state.json");
    }

    public VirtualClock Clock { get; }

    public string StateFile { get; }

    /// <summary>Every run published by any beat of this bed: (entry, slot, task id, published at).</summary>
    public ConcurrentQueue<BeatSignal> Published { get; } = new();

    public ConcurrentQueue<(CeleriacBeat Beat, BeatSignal Signal)> Signals { get; } = new();

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>An app on its own <c>memory://</c> broker (or on <paramref name="sameBrokerAs"/>'s), on the bed's clock and state file.</summary>
    public TestHarness App(Action<CeleriacOptions>? configure = null, TestHarness? sameBrokerAs = null)
    {
        var app = TestHarness.Create(o =>
        {
            o.TimeProvider = Clock;
            o.BeatScheduleFilename = StateFile;
            if (sameBrokerAs is not null)
            {
                o.BrokerUrl = $"memory://{sameBrokerAs.Name}";
                o.ResultBackend = $"memory://{sameBrokerAs.Name}";
            }
            configure?.Invoke(o);
        });
        _apps.Add(app);
        return app;
    }

    /// <summary>Creates and starts a beat; returns once its loop has gone to sleep the first time.</summary>
    public async Task<CeleriacBeat> StartAsync(TestHarness app, Action<BeatOptions>? configure = null)
    {
        var beat = app.App.CreateBeat(configure);
        Watch(beat);
        await beat.StartAsync();
        await beat.Signals.WaitForSleepAsync(0);
        return beat;
    }

    /// <summary>Records the signals of a beat started elsewhere (the worker's) and steps it with the others.</summary>
    public void Watch(CeleriacBeat beat)
    {
        _beats.Add(beat);
        beat.Signals.Raised += s =>
        {
            Signals.Enqueue((beat, s));
            if (s.Kind == BeatSignalKind.Published) Published.Enqueue(s);
        };
    }

    /// <summary>Stops a beat (it releases its lease) and stops stepping it.</summary>
    public async Task StopAsync(CeleriacBeat beat)
    {
        _beats.Remove(beat);
        await beat.StopAsync();
    }

    /// <summary>Runs the beats continuously until <paramref name="target"/>: every wake-up on the way happens, in order.</summary>
    public async Task RunUntilAsync(DateTimeOffset target)
    {
        while (true)
        {
            var running = _beats.ToArray();
            foreach (var beat in running) await beat.Signals.WaitForSleepAsync(0);
            var sleeping = running.Select(b => (Beat: b, Until: b.Signals.SleepingUntil, Sleeps: b.Signals.Sleeps)).ToArray();
            var next = sleeping.Where(s => s.Until is not null).Select(s => s.Until!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            if (next > target)
            {
                if (target > Now) Clock.Advance(target - Now);
                return;
            }
            Clock.Advance(next - Now);
            foreach (var (beat, until, sleeps) in sleeping)
                if (until <= next) await beat.Signals.WaitForSleepAsync(sleeps);
        }
    }

    /// <summary>Runs the beats for <paramref name="span"/> of virtual time.</summary>
    public Task RunForAsync(TimeSpan span) => RunUntilAsync(Now + span);

    /// <summary>Moves the clock with no beat running (downtime).</summary>
    public void Jump(TimeSpan span) => Clock.Advance(span);

    public IReadOnlyList<BeatSignal> PublishedOf(string entry) => Published.Where(p => p.Entry == entry).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var beat in _beats.ToArray()) await beat.DisposeAsync();
        foreach (var app in _apps) await app.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
