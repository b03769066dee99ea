namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>Awaits a condition the code under test makes true on its own (an event ingested), with a deadline.</summary>
internal static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not true within {within.TotalSeconds} s; last value: {value}{(context is null ? "" : "\n" + context())}");
            await Task.Delay(50);
        }
    }
}
