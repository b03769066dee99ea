using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Celeriac.Interop.Tests.Support;

/// <summary>
/// A bare RESP2 connection for looking at and tampering with the broker's keys the way an outside
/// party would (LLEN, HLEN, LPUSH of garbage): independent of the Celeriac client under test.
/// Replies: long, string (bulk/simple, UTF-8), null, or object?[] for arrays; errors throw.
/// </summary>
internal sealed class RawRedis : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _reader;
    private readonly SemaphoreSlim _lock = new(1, 1);

    private RawRedis(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new BufferedStream(_stream);
    }

    public static async Task<RawRedis> ConnectAsync(int port, int database = 0)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var redis = new RawRedis(tcp);
        if (database != 0) await redis.CommandAsync("SELECT", database.ToString(CultureInfo.InvariantCulture));
        return redis;
    }

    public async Task<object?> CommandAsync(params string[] parts)
    {
        var request = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts) request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        await _lock.WaitAsync();
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
            return await Task.Run(Read);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<long> IntegerAsync(params string[] parts) => (long)(await CommandAsync(parts))!;

    public async Task<IReadOnlyList<string>> ListAsync(params string[] parts) =>
        ((object?[])(await CommandAsync(parts))!).Select(o => (string)o!).ToList();

    private object? Read()
    {
        var line = ReadLine();
        var rest = line[1..];
        switch (line[0])
        {
            case '+': return rest;
            case '-': throw new InvalidOperationException("redis: " + rest);
            case ':': return long.Parse(rest, CultureInfo.InvariantCulture);
            case '$':
            {
                var length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0) return null;
                var buffer = new byte[length + 2];
                var read = 0;
                while (read < buffer.Length) read += _reader.Read(buffer, read, buffer.Length - read) is > 0 and var n ? n : throw new EndOfStreamException();
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
            case '*':
            {
                var count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0) return null;
                var items = new object?[count];
                for (var i = 0; i < count; i++) items[i] = Read();
                return items;
            }
            default: throw new InvalidOperationException("unexpected RESP reply: " + line);
        }
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = _reader.ReadByte();
            if (b < 0) throw new EndOfStreamException();
            if (b == '\n' && bytes.Count > 0 && bytes[^1] == '\r') return Encoding.UTF8.GetString(bytes.ToArray(), 0, bytes.Count - 1);
            bytes.Add((byte)b);
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _tcp.Dispose();
        _lock.Dispose();
        return ValueTask.CompletedTask;
    }
}
