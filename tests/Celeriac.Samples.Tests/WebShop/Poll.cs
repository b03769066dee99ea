namespace Celeriac.Samples.Tests.WebShopTests;

/// <summary>Waits for a condition by polling it: no fixed sleeps, a generous deadline, and a failure that says what was last seen.</summary>
public static class Poll
{
    /// <summary>The deadline for anything the shop does (retries with backoff take a few seconds).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds; returns that value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: still not there after {(deadline ?? Deadline).TotalSeconds} s; last seen: {value}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(250, delay.TotalMilliseconds * 2));
        }
    }

    /// <summary>As <see cref="UntilAsync{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?)"/> for a synchronous read.</summary>
    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(read()), done, what, deadline);
}
