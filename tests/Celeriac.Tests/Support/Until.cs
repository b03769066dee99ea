namespace Celeriac.Tests.Support;

/// <summary>
/// Waits for a condition that the code under test makes true on another thread (a count, a queue
/// depth) and fails clearly on timeout. It checks the condition, it does not wait for time to pass.
/// </summary>
internal static class Until
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}.");
            await Task.Delay(2);
        }
    }

    /// <summary>
    /// Real-time window for a negative assertion ("it did not fetch more"): a buggy worker acts at
    /// once, so a short window is enough to catch it. Never used to wait for something to happen.
    /// </summary>
    public static Task QuietWindowAsync() => Task.Delay(150);
}
