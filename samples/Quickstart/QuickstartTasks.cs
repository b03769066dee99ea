using Celeriac;
using Celeriac.Exceptions;
using Celeriac.Tasks;

namespace Quickstart;

/// <summary>A thumbnail produced by <c>tasks.resize_image</c>.</summary>
public sealed record Thumbnail(int Width, int Height, long Checksum);

/// <summary>The sample's tasks. Their names are the wire contract: a Python worker could run them too.</summary>
public sealed record QuickstartTasks(
    CeleriacTask<int, int, int> Add,
    CeleriacTask<int, int, Thumbnail> ResizeImage,
    CeleriacTask<string, string> FetchReport,
    CeleriacTask<int, string> Flaky,
    CeleriacTask<int, int> ImportRows)
{
    /// <summary>Rows <c>tasks.import_rows</c> handles between two PROGRESS updates.</summary>
    public const int ImportBatch = 100;

    /// <summary>Registers the tasks on <paramref name="app"/>.</summary>
    public static QuickstartTasks Register(CeleriacApp app) => new(
        app.Task("tasks.add", (int x, int y) => x + y),
        app.Task("tasks.resize_image", (int width, int height) => Resize(width, height)),
        app.Task("tasks.fetch_report", async (string reportId, CancellationToken cancellation) =>
        {
            // I/O-bound: the slot waits without holding a thread.
            await Task.Delay(10 + Math.Abs(reportId.GetHashCode() % 40), cancellation);
            return $"report {reportId}: {reportId.Length * 7} rows";
        }),
        app.Task("tasks.flaky", (int requestId) => requestId % 8 == 3
            ? throw new InvalidOperationException($"Upstream returned 503 Service Unavailable for request {requestId}")
            : $"request {requestId} ok"),
        app.Task("tasks.import_rows", async (int rows, TaskContext context) =>
        {
            for (var done = 0; done < rows;)
            {
                await Task.Delay(40, context.Cancellation);
                done = Math.Min(rows, done + ImportBatch);
                // A custom state: clients see it through AsyncResult.State / Info while the task runs.
                await context.UpdateStateAsync("PROGRESS", new { current = done, total = rows });
            }
            return rows;
        }));

    // CPU-bound work: render a synthetic image and shrink it 4x with a box filter.
    private static Thumbnail Resize(int width, int height)
    {
        if (width <= 0 || height <= 0)
            // Stored as Python's builtins.ValueError, so a Python client would catch ValueError.
            throw new CeleryException("ValueError", "builtins", $"invalid image size {width}x{height}");
        var (w, h) = (width / 4, height / 4);
        long checksum = 0;
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var sum = 0;
            for (var dy = 0; dy < 4; dy++)
            for (var dx = 0; dx < 4; dx++)
                sum += Pixel(x * 4 + dx, y * 4 + dy);
            checksum = checksum * 31 + sum / 16;
        }
        return new Thumbnail(w, h, checksum);
    }

    private static int Pixel(int x, int y) => (x * 7 + y * 13 + (x ^ y)) & 0xFF;
}
