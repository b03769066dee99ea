using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Messages;
using Celeriac.Protocol.Results;
using Celeriac.Tasks;
using Celeriac.Worker;

namespace Celeriac.Tests.Canvas;

/// <summary>
/// A worker on the in-memory broker and backend (through <see cref="RetryTestBed"/>, so every publish
/// is logged and the clock is virtual) with the tasks the canvas tests compose, and helpers to build
/// canvases from plain signatures as a Python producer would put them on the wire.
/// </summary>
internal sealed class CanvasBed : IAsyncDisposable
{
    private CanvasBed(RetryTestBed bed) => Bed = bed;

    public RetryTestBed Bed { get; }

    public CeleriacApp App => Bed.App;

    /// <summary>The running worker.</summary>
    public CeleriacWorker Worker { get; private set; } = null!;

    public static async Task<CanvasBed> StartAsync(Action<CeleriacOptions>? configure = null, Action<CeleriacApp>? register = null)
    {
        var bed = new CanvasBed(RetryTestBed.Create(configure));
        var app = bed.App;
        app.Task("c.add", (long x, long y) => x + y);
        app.Task("c.mul", (long x, long y) => x * y);
        app.Task("c.xsum", (List<long> numbers) => numbers.Sum());
        app.Task("c.fail", (string message) => { throw new InvalidOperationException(message); });
        app.Task("c.echo", (TaskArguments all) => all.Args.DeepClone());
        app.Task("c.on_error", (string failedTaskId) => failedTaskId);
        register?.Invoke(app);
        bed.Worker = await bed.Bed.StartWorkerAsync(w => w.Concurrency = 4);
        return bed;
    }

    /// <summary>Sends a plain signature as it stands.</summary>
    public async Task<AsyncResult> SendAsync(Signature signature) => (AsyncResult)await signature.SendWorkflowAsync(App, CancellationToken.None);

    /// <summary>
    /// A chain as Python sends it (docs/protocol.md §1.7): every step frozen, the first carrying the others
    /// reversed in its <c>chain</c> option. Returns the first step, ready to send.
    /// </summary>
    public static Signature Chain(params Signature[] steps)
    {
        foreach (var step in steps) step.Freeze();
        var rest = new JsonArray(steps.Skip(1).Reverse().Select(s => (JsonNode)s.ToJson()).ToArray());
        steps[0].Options["chain"] = rest;
        return steps[0];
    }

    /// <summary>Waits for the run of <paramref name="taskId"/> that is not a retry and reads what it stored.</summary>
    public async Task<ResultMeta> DoneAsync(string taskId)
    {
        await Bed.FinishedAsync(taskId);
        return await Bed.StoredAsync(taskId);
    }

    /// <summary>Every message published for <paramref name="task"/>, decoded, in order.</summary>
    public IReadOnlyList<TaskMessage> Sent(string task) =>
        Bed.Published.Select(p => TaskMessageCodec.Decode(p.Message, [ContentTypes.Json])).Where(m => m.Task == task).ToList();

    /// <summary>The one message published with id <paramref name="taskId"/>.</summary>
    public TaskMessage SentWithId(string taskId) =>
        Bed.Published.Select(p => TaskMessageCodec.Decode(p.Message, [ContentTypes.Json])).Single(m => m.Id == taskId);

    /// <summary>The single task ids a stored <c>children</c> list names (groups expanded).</summary>
    public static IReadOnlyList<string> ChildIds(ResultMeta meta) =>
        (meta.Children ?? []).Select(ResultTuple.FromJson).SelectMany(t => t.Members ?? [t]).Select(t => t.Id).ToList();

    public ValueTask DisposeAsync() => Bed.DisposeAsync();
}
