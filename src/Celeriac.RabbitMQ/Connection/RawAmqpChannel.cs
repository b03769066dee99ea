using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Celeriac.RabbitMQ.Connection;

/// <summary>
/// A minimal AMQP 0-9-1 client of our own — connect, log in, open one channel, <c>basic.get</c>,
/// <c>basic.reject</c> — that hands back a message's content header as raw bytes instead of decoding
/// it. It exists for one job RabbitMQ.Client cannot do: taking a message whose headers that library
/// cannot read (it fails the whole connection on them) off its queue (Transport/PoisonQuarantine).
/// </summary>
internal sealed class RawAmqpChannel : IAsyncDisposable
{
    private const byte MethodFrame = 1, HeaderFrame = 2, BodyFrame = 3, HeartbeatFrame = 8, FrameEnd = 0xCE;
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private uint _frameMax = 131072;

    private RawAmqpChannel(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>A message got with <see cref="GetAsync"/>: its delivery tag and the raw property bytes of its content header.</summary>
    public sealed record RawMessage(ulong DeliveryTag, ushort PropertyFlags, byte[] Properties, long BodySize);

    /// <summary>Connects, logs in (PLAIN) and opens channel 1.</summary>
    public static async Task<RawAmqpChannel> OpenAsync(AmqpSettings settings, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            if (settings.UseTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(settings.TlsClientOptions(), cancellationToken).ConfigureAwait(false);
                stream = tls;
            }
            var channel = new RawAmqpChannel(tcp, stream);
            await channel.HandshakeAsync(settings, cancellationToken).ConfigureAwait(false);
            return channel;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Gets the next message of <paramref name="queue"/> unacked; null when the queue has none.</summary>
    public async Task<RawMessage?> GetAsync(string queue, CancellationToken cancellationToken)
    {
        var get = new MethodWriter(60, 70);
        get.Short(0);
        get.ShortString(queue);
        get.Octet(0); // no-ack false: the message stays ours until rejected or the connection closes
        await SendMethodAsync(1, get, cancellationToken).ConfigureAwait(false);
        var (classId, methodId, arguments) = await ReadMethodAsync(cancellationToken).ConfigureAwait(false);
        if ((classId, methodId) == (60, 72)) return null; // get-empty
        Expect(classId, methodId, 60, 71, arguments);
        var tag = BinaryPrimitives.ReadUInt64BigEndian(arguments);
        var (type, _, header) = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        if (type != HeaderFrame) throw new InvalidDataException($"expected a content header, got frame type {type}");
        var bodySize = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(4));
        var flags = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(12));
        for (long read = 0; read < bodySize;)
        {
            var (bodyType, _, body) = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (bodyType != BodyFrame) throw new InvalidDataException($"expected a body frame, got frame type {bodyType}");
            read += body.Length;
        }
        return new RawMessage(tag, flags, header[14..], bodySize);
    }

    /// <summary>Rejects a message got on this channel; without requeue it is dead-lettered where its queue says so.</summary>
    public Task RejectAsync(ulong deliveryTag, bool requeue, CancellationToken cancellationToken)
    {
        var reject = new MethodWriter(60, 90);
        reject.LongLong(deliveryTag);
        reject.Octet(requeue ? (byte)1 : (byte)0);
        return SendMethodAsync(1, reject, cancellationToken);
    }

    /// <summary>
    /// The <c>headers</c> table of a content header's properties (its bytes after the length
    /// prefix), or null when there is none. Basic properties come in flag order; headers is the third,
    /// after content-type and content-encoding (both short strings).
    /// </summary>
    public static ReadOnlySpan<byte> HeadersOf(RawMessage message)
    {
        var data = message.Properties.AsSpan();
        var position = 0;
        if ((message.PropertyFlags & 0x8000) != 0) position += 1 + data[position];
        if ((message.PropertyFlags & 0x4000) != 0) position += 1 + data[position];
        if ((message.PropertyFlags & 0x2000) == 0) return default;
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(data[position..]);
        return data.Slice(position + 4, length);
    }

    /// <summary>Closes the connection cleanly (the broker takes back what was got and not rejected, in order).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var close = new MethodWriter(10, 50);
            close.Short(200);
            close.ShortString("quarantine done");
            close.Short(0);
            close.Short(0);
            await SendMethodAsync(0, close, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                var (classId, methodId, _) = await ReadMethodAsync(timeout.Token).ConfigureAwait(false);
                if ((classId, methodId) == (10, 51)) break;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            // The socket closes below either way; the broker then takes back what is unacked.
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }

    private async Task HandshakeAsync(AmqpSettings settings, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        var (classId, methodId, arguments) = await ReadMethodAsync(cancellationToken).ConfigureAwait(false);
        Expect(classId, methodId, 10, 10, arguments); // connection.start
        var startOk = new MethodWriter(10, 11);
        startOk.Long(0); // client properties: an empty table
        startOk.ShortString("PLAIN");
        startOk.LongString(Encoding.UTF8.GetBytes($"\0{settings.UserName}\0{settings.Password}"));
        startOk.ShortString("en_US");
        await SendMethodAsync(0, startOk, cancellationToken).ConfigureAwait(false);
        (classId, methodId, arguments) = await ReadMethodAsync(cancellationToken).ConfigureAwait(false);
        Expect(classId, methodId, 10, 30, arguments); // connection.tune
        var frameMax = BinaryPrimitives.ReadUInt32BigEndian(arguments.AsSpan(2));
        if (frameMax != 0) _frameMax = frameMax;
        var tuneOk = new MethodWriter(10, 31);
        tuneOk.Short(1);
        tuneOk.Long(_frameMax);
        tuneOk.Short(0); // no heartbeats: the connection lives a few round trips
        await SendMethodAsync(0, tuneOk, cancellationToken).ConfigureAwait(false);
        var open = new MethodWriter(10, 40);
        open.ShortString(settings.VirtualHost);
        open.ShortString("");
        open.Octet(0);
        await SendMethodAsync(0, open, cancellationToken).ConfigureAwait(false);
        (classId, methodId, arguments) = await ReadMethodAsync(cancellationToken).ConfigureAwait(false);
        Expect(classId, methodId, 10, 41, arguments);
        var channelOpen = new MethodWriter(20, 10);
        channelOpen.ShortString("");
        await SendMethodAsync(1, channelOpen, cancellationToken).ConfigureAwait(false);
        (classId, methodId, arguments) = await ReadMethodAsync(cancellationToken).ConfigureAwait(false);
        Expect(classId, methodId, 20, 11, arguments);
    }

    private static void Expect(ushort classId, ushort methodId, ushort wantClass, ushort wantMethod, byte[] arguments)
    {
        if ((classId, methodId) == (wantClass, wantMethod)) return;
        if ((classId, methodId) is (10, 50) or (20, 40))
        {
            var code = BinaryPrimitives.ReadUInt16BigEndian(arguments);
            var text = Encoding.UTF8.GetString(arguments, 3, arguments[2]);
            throw new InvalidDataException($"the broker closed the quarantine connection: {code} {text}");
        }
        throw new InvalidDataException($"expected AMQP method {wantClass}.{wantMethod}, got {classId}.{methodId}");
    }

    private async Task<(ushort Class, ushort Method, byte[] Arguments)> ReadMethodAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var (type, _, payload) = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
            if (type == HeartbeatFrame) continue;
            if (type != MethodFrame) throw new InvalidDataException($"expected a method frame, got frame type {type}");
            return (BinaryPrimitives.ReadUInt16BigEndian(payload), BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)), payload[4..]);
        }
    }

    private async Task<(byte Type, ushort Channel, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var head = new byte[7];
        await _stream.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        var size = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(3));
        if (size > Math.Max(_frameMax, 131072)) throw new InvalidDataException($"frame of {size} bytes exceeds the frame limit");
        var payload = new byte[size + 1];
        await _stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        if (payload[^1] != FrameEnd) throw new InvalidDataException("frame end marker missing");
        return (head[0], BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(1)), payload[..^1]);
    }

    private async Task SendMethodAsync(ushort channel, MethodWriter method, CancellationToken cancellationToken)
    {
        var payload = method.ToArray();
        var frame = new byte[7 + payload.Length + 1];
        frame[0] = MethodFrame;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame, 7);
        frame[^1] = FrameEnd;
        await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class MethodWriter
    {
        private readonly MemoryStream _buffer = new();

        public MethodWriter(ushort classId, ushort methodId)
        {
            Short(classId);
            Short(methodId);
        }

        public void Octet(byte value) => _buffer.WriteByte(value);

        public void Short(ushort value) => Write(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

        public void Long(uint value) => Write(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

        public void LongLong(ulong value) => Write(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

        public void ShortString(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Octet(checked((byte)bytes.Length));
            _buffer.Write(bytes);
        }

        public void LongString(byte[] value)
        {
            Long((uint)value.Length);
            _buffer.Write(value);
        }

        public byte[] ToArray() => _buffer.ToArray();

        private void Write<T>(T value) where T : unmanaged
        {
            Span<byte> bytes = stackalloc byte[System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
            System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in value);
            _buffer.Write(bytes);
        }
    }
}
