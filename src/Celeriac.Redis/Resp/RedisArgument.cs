using System.Text;

namespace Celeriac.Redis.Resp;

/// <summary>
/// One argument of a command: text (sent as UTF-8), raw bytes, an integer or a float. Converts
/// implicitly, so commands read like redis-cli: <c>new RedisCommand("SETEX", key, 60, payload)</c>.
/// </summary>
internal readonly struct RedisArgument
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _bits; // the integer, or the double's bits

    private RedisArgument(Kind kind, string? text, ReadOnlyMemory<byte> bytes, long bits)
    {
        ArgumentKind = kind;
        _text = text;
        _bytes = bytes;
        _bits = bits;
    }

    internal enum Kind : byte { Text, Bytes, Integer, Float }

    internal Kind ArgumentKind { get; }

    internal string Text => _text!;

    internal ReadOnlyMemory<byte> Memory => _bytes;

    internal long Integer => _bits;

    internal double Float => BitConverter.Int64BitsToDouble(_bits);

    public static implicit operator RedisArgument(string value) =>
        new(Kind.Text, value ?? throw new ArgumentNullException(nameof(value), "A Redis argument cannot be null."), default, 0);

    public static implicit operator RedisArgument(ReadOnlyMemory<byte> value) => new(Kind.Bytes, null, value, 0);

    public static implicit operator RedisArgument(byte[] value) =>
        new(Kind.Bytes, null, value ?? throw new ArgumentNullException(nameof(value), "A Redis argument cannot be null."), 0);

    public static implicit operator RedisArgument(long value) => new(Kind.Integer, null, default, value);

    public static implicit operator RedisArgument(int value) => new(Kind.Integer, null, default, value);

    // Checked here, not in the writer: a command that fails half-written would corrupt the stream.
    public static implicit operator RedisArgument(double value) => double.IsNaN(value)
        ? throw new ArgumentException("Redis does not accept NaN as a number.", nameof(value))
        : new(Kind.Float, null, default, BitConverter.DoubleToInt64Bits(value));

    /// <summary>The argument as text, for messages and tests.</summary>
    public override string ToString() => ArgumentKind switch
    {
        Kind.Text => _text!,
        Kind.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        _ => Encoding.UTF8.GetString(RespCommandWriter.FormatNumber(this)),
    };
}
