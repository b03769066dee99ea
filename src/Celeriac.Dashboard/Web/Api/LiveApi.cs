using System.Globalization;
using System.Text;
using System.Text.Json;
using Celeriac.Dashboard.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Celeriac.Dashboard.Web.Api;

/// <summary>
/// <c>GET P/api/live</c>: Server-Sent Events telling a page what ingestion wrote — <c>event: changed</c> with the
/// task ids (≤ 200) and worker hostnames changed since the last one, at most <see cref="MaxPerSecond"/> a second
/// per client (changes in between are coalesced), and <c>event: ping</c> every <see cref="PingInterval"/> so
/// proxies keep the stream open. Ends when the client goes or the host stops.
/// </summary>
internal static class LiveApi
{
    public const int MaxPerSecond = 2;
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinGap = TimeSpan.FromSeconds(1.0 / MaxPerSecond);

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/live", StreamAsync)
            .WithSummary("Live changes (Server-Sent Events)")
            .WithDescription("event: changed, data {tasks: [id…≤200], workers: [hostname…], at}, at most 2 a second; event: ping every 15 s.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    private static async Task StreamAsync(HttpContext http, DashboardChanges changes, IHostApplicationLifetime lifetime)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var cancel = ended.Token;
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass each event on at once
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var listener = changes.Listen();
        try
        {
            await WriteAsync(response, "retry: 3000\n\n", cancel).ConfigureAwait(false);
            var nextPing = DateTimeOffset.UtcNow + PingInterval;
            Task<DashboardChange>? pending = null;
            while (!cancel.IsCancellationRequested)
            {
                pending ??= listener.TakeAsync(cancel);
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancel))
                {
                    var delay = nextPing - DateTimeOffset.UtcNow;
                    var ping = delay > TimeSpan.Zero ? Task.Delay(delay, wait.Token) : Task.CompletedTask;
                    await Task.WhenAny(pending, ping).ConfigureAwait(false);
                    await wait.CancelAsync().ConfigureAwait(false);
                }
                cancel.ThrowIfCancellationRequested();
                if (pending.IsCompleted)
                {
                    var change = await pending.ConfigureAwait(false);
                    pending = null;
                    await WriteAsync(response, "event: changed\ndata: " + Json(change) + "\n\n", cancel).ConfigureAwait(false);
                    // Later changes gather in the listener meanwhile and go out as one.
                    await Task.Delay(MinGap, cancel).ConfigureAwait(false);
                }
                if (DateTimeOffset.UtcNow >= nextPing)
                {
                    await WriteAsync(response, "event: ping\ndata: {}\n\n", cancel).ConfigureAwait(false);
                    nextPing = DateTimeOffset.UtcNow + PingInterval;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away or the host stops: the stream just ends
        }
        catch (IOException)
        {
            // the connection broke mid-write
        }
    }

    internal static string Json(DashboardChange change) => JsonSerializer.Serialize(new
    {
        tasks = change.Tasks,
        workers = change.Workers,
        at = change.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    }, DashboardJson.Options);

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
