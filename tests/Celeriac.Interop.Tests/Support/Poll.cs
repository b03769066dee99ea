namespace Celeriac.Interop.Tests.Support;

/// <summary>Waiting on another process: checks a condition until it holds or a deadline passes (no fixed sleeps).</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not true within {within.TotalSeconds:0} s: {describe()}");
            await Task.Delay(25);
        }
    }
}
