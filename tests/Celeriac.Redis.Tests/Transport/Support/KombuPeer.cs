using System.Diagnostics;
using System.Text.Json.Nodes;
using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>
/// Runs <c>python/kombu_peer.py</c> with Debian's Python (Celery 5.2.6, kombu 5.2.4) as the other
/// side of an interop test, and returns the JSON lines it prints.
/// </summary>
internal static class KombuPeer
{
    public const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<List<JsonObject>> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kombu_peer.py {string.Join(' ', arguments)} did not finish within {Limit}: {await errors}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"kombu_peer.py {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await errors}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    /// <summary>Starts the peer and leaves it running; read its lines from <see cref="Process.StandardOutput"/>.</summary>
    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Transport", "python", "kombu_peer.py"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }
}
