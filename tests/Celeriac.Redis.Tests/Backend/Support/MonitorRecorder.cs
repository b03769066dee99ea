using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Celeriac.Redis.Tests.Backend.Support;

/// <summary>
/// Records what the server executes, with <c>MONITOR</c> on a raw socket — how the vector
/// <c>result_redis_chord_join_commands</c> was captured. Commands run by Lua scripts show up too
/// (marked <see cref="MonitoredCommand.FromScript"/>).
/// </summary>
internal sealed class MonitorRecorder : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly ConcurrentQueue<MonitoredCommand> _commands = new();
    private readonly Task _reading;

    private MonitorRecorder(TcpClient tcp)
    {
        _tcp = tcp;
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<MonitorRecorder> StartAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray());
        var ok = new byte[5];
        await stream.ReadExactlyAsync(ok); // +OK\r\n
        return new MonitorRecorder(tcp);
    }

    /// <summary>
    /// Everything recorded up to <paramref name="marker"/>: the caller sends a command with that
    /// argument after its own, so once it shows up, everything before it has too.
    /// </summary>
    public async Task<IReadOnlyList<MonitoredCommand>> UntilAsync(string marker, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var seen = _commands.ToArray();
            var end = Array.FindIndex(seen, c => c.Arguments.Contains(marker));
            if (end >= 0) return seen[..end];
            await Task.Delay(20);
        }
        throw new TimeoutException($"MONITOR did not show '{marker}'");
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception)
        {
        }
    }

    private async Task ReadAsync()
    {
        using var reader = new StreamReader(_tcp.GetStream(), Encoding.Latin1);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (Parse(line) is { } command) _commands.Enqueue(command);
        }
    }

    // +1700000000.123456 [1 127.0.0.1:5555] "SETEX" "key" "86400" "v"   ([1 lua] inside scripts)
    private static MonitoredCommand? Parse(string line)
    {
        var open = line.IndexOf('[');
        var close = line.IndexOf("] ", StringComparison.Ordinal);
        if (!line.StartsWith('+') || open < 0 || close < 0) return null;
        var source = line[(open + 1)..close].Split(' ');
        var arguments = new List<string>();
        var bytes = new List<byte>();
        for (var i = close + 2; i < line.Length; i++)
        {
            if (line[i] != '"') continue;
            bytes.Clear();
            for (i++; line[i] != '"'; i++)
            {
                if (line[i] != '\\')
                {
                    bytes.Add((byte)line[i]);
                    continue;
                }
                var escaped = line[++i];
                switch (escaped)
                {
                    case 'n': bytes.Add((byte)'\n'); break;
                    case 'r': bytes.Add((byte)'\r'); break;
                    case 't': bytes.Add((byte)'\t'); break;
                    case 'a': bytes.Add(7); break;
                    case 'b': bytes.Add(8); break;
                    case 'x':
                        bytes.Add(byte.Parse(line.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 2;
                        break;
                    default: bytes.Add((byte)escaped); break;
                }
            }
            arguments.Add(Encoding.UTF8.GetString(bytes.ToArray()));
        }
        return new MonitoredCommand(int.Parse(source[0], CultureInfo.InvariantCulture), source.Length > 1 && source[1] == "lua", [.. arguments]);
    }
}

/// <summary>One command as MONITOR showed it.</summary>
internal sealed record MonitoredCommand(int Database, bool FromScript, string[] Arguments)
{
    public string Name => Arguments[0].ToUpperInvariant();

    public override string ToString() => string.Join(' ', Arguments);
}
