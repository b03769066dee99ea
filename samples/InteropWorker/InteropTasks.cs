using System.Numerics;
using System.Text.Json.Nodes;
using Celeriac;
using Celeriac.Tasks;

namespace InteropWorker;

/// <summary>The contract's tasks, by their exact names; Python peers register the same names.</summary>
internal static class InteropTasks
{
    public static void Register(CeleriacApp app, RecordTarget record)
    {
        app.Task("bench.noop", () => (object?)null);
        app.Task("bench.add", (long x, long y) => x + y);
        app.Task("bench.sleep10ms", async (CancellationToken ct) => { await Task.Delay(10, ct); return (object?)null; });

        app.Task("interop.add", (object x, object y) => Arithmetic(x, y, (a, b) => a + b, (a, b) => a + b));
        app.Task("interop.mul", (object x, object y) => Arithmetic(x, y, (a, b) => a * b, (a, b) => a * b));
        app.Task("interop.xsum", (List<object> numbers) => numbers.Aggregate((object)0L, (sum, n) => Arithmetic(sum, n, (a, b) => a + b, (a, b) => a + b)));

        // Exactly as received: the raw JSON nodes, so unicode, big integers and floats round-trip.
        app.Task("interop.echo", (TaskArguments all) => new JsonObject { ["args"] = all.Args.DeepClone(), ["kwargs"] = all.Kwargs.DeepClone() });

        app.Task("interop.fail", (string message) => { throw new InvalidOperationException(message); });

        app.Task("interop.sleep", async (JsonNode seconds, TaskContext ctx) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds.GetValue<double>()), ctx.App.Options.TimeProvider, ctx.Cancellation);
            return seconds.DeepClone();
        });

        app.Task("interop.retry", (int times, TaskContext ctx) =>
        {
            if (ctx.Retries < times) throw ctx.Retry(countdown: TimeSpan.Zero);
            return times;
        }, o => o.MaxRetries = null);

        app.Task("interop.progress", async (int steps, TaskContext ctx) =>
        {
            for (var i = 1; i <= steps; i++) await ctx.UpdateStateAsync("PROGRESS", new { current = i, total = steps }, ctx.Cancellation);
            return steps;
        });

        app.Task("interop.record", async (string key, string token, CancellationToken ct) =>
        {
            await record.AppendAsync(key, token, ct);
            return token;
        });

        // Not in the contract and only here, not in Python's interop_tasks.py: the canvas interop
        // tests run chains whose middle step only the Celeriac worker can run.
        app.Task("interop.cs_only_double", (long x) => x * 2);
    }

    /// <summary>Integers stay integers (growing past 64 bits as Python's do); anything else is a float.</summary>
    private static object Arithmetic(object x, object y, Func<BigInteger, BigInteger, BigInteger> onIntegers, Func<double, double, double> onFloats)
    {
        if (AsInteger(x) is { } a && AsInteger(y) is { } b)
        {
            var r = onIntegers(a, b);
            return r >= long.MinValue && r <= long.MaxValue ? (long)r : r;
        }
        return onFloats(Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(y, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static BigInteger? AsInteger(object value) => value switch
    {
        long l => l,
        int i => i,
        BigInteger b => b,
        _ => null,
    };
}
