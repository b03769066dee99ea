using Celeriac.Worker;
using Microsoft.Extensions.Logging;

namespace Celeriac.RateLimiting;

/// <summary>
/// Per-task-type rate limits of one worker (docs/protocol.md §5.9): a token bucket per task name. A request
/// over its limit waits here, in order, without an execution slot, so other task types run on;
/// an alarm on the app's clock releases it when its token is due. The alarm logs what its
/// callback throws (<see cref="ClockAlarm"/>): a timer callback must never end the process.
/// </summary>
internal sealed class TaskRateLimiter(TimeProvider clock, Func<string, RateLimit> rateOf, Action<TaskRequest> release, ILogger log)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private bool _closed;

    /// <summary>True when the request must wait (it is then held here); false when it may run now.</summary>
    public bool TryHold(TaskRequest request)
    {
        lock (_lock)
        {
            if (_closed) return false;
            var lane = LaneFor(request.Task.Name);
            if (lane is null) return false;
            if (lane.Waiting.Count == 0 && lane.Bucket.TryTake()) return false;
            lane.Waiting.Enqueue(request);
            ArmIfIdle(lane);
            return true;
        }
    }

    /// <summary>Changes a task's rate at runtime (the <c>rate_limit</c> control command).</summary>
    public void SetRate(string taskName, RateLimit rate)
    {
        lock (_lock)
        {
            if (!_lanes.TryGetValue(taskName, out var lane)) return;
            lane.Bucket.SetRate(rate);
            // Requests already waiting go at the new pace, not at the old one's next token.
            if (lane.Waiting.Count > 0)
            {
                lane.Armed = false;
                ArmIfIdle(lane);
            }
        }
    }

    /// <summary>Closes the limiter and returns every waiting request, in arrival order per task.</summary>
    public List<TaskRequest> Drain()
    {
        lock (_lock)
        {
            _closed = true;
            var all = new List<TaskRequest>();
            foreach (var lane in _lanes.Values)
            {
                lane.Alarm?.Dispose();
                all.AddRange(lane.Waiting);
                lane.Waiting.Clear();
            }
            return all;
        }
    }

    private Lane? LaneFor(string task)
    {
        if (_lanes.TryGetValue(task, out var lane)) return lane;
        var rate = rateOf(task);
        if (!rate.IsLimited) return null;
        lane = new Lane(new TokenBucket(rate, clock));
        _lanes[task] = lane;
        return lane;
    }

    private void ArmIfIdle(Lane lane)
    {
        if (lane.Armed) return;
        lane.Armed = true;
        lane.Alarm ??= new ClockAlarm(clock, () => Refill(lane), log);
        lane.Alarm.SetAfter(lane.Bucket.UntilNextToken());
    }

    private void Refill(Lane lane)
    {
        var ready = new List<TaskRequest>();
        lock (_lock)
        {
            lane.Armed = false;
            if (_closed) return;
            while (lane.Waiting.Count > 0 && lane.Bucket.TryTake()) ready.Add(lane.Waiting.Dequeue());
            if (lane.Waiting.Count > 0) ArmIfIdle(lane);
        }
        foreach (var r in ready)
        {
            try
            {
                release(r);
            }
            catch (Exception ex)
            {
                // Each on its own: one request that cannot move on must not strand the others.
                log.LogError(ex, "Task {Task}[{TaskId}] got its rate-limit token but could not be handed on", r.Message.Task, r.Message.Id);
            }
        }
    }

    private sealed class Lane(TokenBucket bucket)
    {
        public TokenBucket Bucket { get; } = bucket;
        public Queue<TaskRequest> Waiting { get; } = new();
        public ClockAlarm? Alarm { get; set; }
        public bool Armed { get; set; }
    }
}
