using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Tests.Infrastructure;

/// <summary>
/// A fake Redis on loopback for failures a real one will not produce on demand: it reads commands
/// and answers each with whatever bytes <c>reply</c> returns (null: stay silent).
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string[], byte[]?> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _accepted = [];
    private readonly Task _acceptLoop;

    public ScriptedServer(Func<string[], byte[]?> reply)
    {
        _reply = reply;
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections { get; private set; }

    public RedisConnectionOptions Options(string? query = null) =>
        RedisConnectionOptions.Parse($"redis://127.0.0.1:{Port}/0{(query is null ? "" : "?" + query)}");

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted) foreach (var socket in _accepted) socket.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_accepted) _accepted.Add(socket);
            Connections++;
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var input = PipeReader.Create(stream);
            while (true)
            {
                var read = await input.ReadAsync(_stop.Token);
                var buffer = read.Buffer;
                while (RespParser.TryRead(ref buffer, out var command))
                {
                    var reply = _reply(command.AsArray().Select(part => part.AsString()!).ToArray());
                    if (reply is not null) await stream.WriteAsync(reply, _stop.Token);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
            }
        }
        catch (Exception)
        {
            // The client went away or the test is over.
        }
    }
}
