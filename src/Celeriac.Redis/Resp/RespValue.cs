using System.Globalization;
using System.Text;

namespace Celeriac.Redis.Resp;

/// <summary>
/// One parsed RESP2 reply: a type plus bytes, an integer or child replies. Bytes are copied out of
/// the socket buffer, so a value stays valid after the reader moves on.
/// </summary>
internal readonly struct RespValue
{
    private static readonly byte[] Ok = "OK"u8.ToArray();
    private static readonly byte[] Queued = "QUEUED"u8.ToArray();
    private static readonly byte[] Pong = "PONG"u8.ToArray();

    // byte[] for strings and errors, RespValue[] for arrays, null for nil; one field keeps the struct small.
    private readonly object? _payload;
    private readonly long _integer;

    private RespValue(RespType type, object? payload, long integer)
    {
        Type = type;
        _payload = payload;
        _integer = integer;
    }

    /// <summary>The reply's type.</summary>
    public RespType Type { get; }

    /// <summary>True for the nil bulk string (<c>$-1</c>) and the nil array (<c>*-1</c>).</summary>
    public bool IsNull => _payload is null && Type is RespType.BulkString or RespType.Array;

    /// <summary>True for an error reply.</summary>
    public bool IsError => Type == RespType.Error;

    /// <summary>The raw bytes of a simple string, error or bulk string (empty for nil).</summary>
    public ReadOnlyMemory<byte> Bytes => _payload as byte[] ?? ReadOnlyMemory<byte>.Empty;

    public static RespValue SimpleString(ReadOnlySpan<byte> text) => new(RespType.SimpleString, Intern(text), 0);

    public static RespValue Error(string message) => new(RespType.Error, Encoding.UTF8.GetBytes(message), 0);

    public static RespValue Error(byte[] message) => new(RespType.Error, message, 0);

    public static RespValue Integer(long value) => new(RespType.Integer, null, value);

    public static RespValue BulkString(byte[]? bytes) => new(RespType.BulkString, bytes, 0);

    public static RespValue Array(RespValue[]? items) => new(RespType.Array, items, 0);

    /// <summary>Text of a string, error or integer reply; <see langword="null"/> for nil.</summary>
    public string? AsString() => Type switch
    {
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.Array => throw WrongType("a string"),
        _ => _payload is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null,
    };

    /// <summary>An integer reply, or a string reply holding an integer (GET of a counter).</summary>
    public long AsInt64()
    {
        if (Type == RespType.Integer) return _integer;
        if (_payload is byte[] bytes && Type != RespType.Error &&
            long.TryParse(bytes, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        throw WrongType("an integer");
    }

    /// <summary>A string reply holding a float (ZSCORE), including Redis's <c>inf</c> and <c>-inf</c>.</summary>
    public double AsDouble()
    {
        if (Type == RespType.Integer) return _integer;
        var text = Type == RespType.Error ? null : _payload as byte[];
        if (text is not null)
        {
            if (text.AsSpan().SequenceEqual("inf"u8) || text.AsSpan().SequenceEqual("+inf"u8)) return double.PositiveInfinity;
            if (text.AsSpan().SequenceEqual("-inf"u8)) return double.NegativeInfinity;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        }
        throw WrongType("a number");
    }

    /// <summary>The children of a non-nil array reply.</summary>
    public RespValue[] AsArray() =>
        Type == RespType.Array && _payload is RespValue[] items ? items : throw WrongType("an array");

    /// <summary>True when this is a string reply with exactly these bytes.</summary>
    public bool Is(ReadOnlySpan<byte> text) =>
        Type is RespType.SimpleString or RespType.BulkString && _payload is byte[] bytes && bytes.AsSpan().SequenceEqual(text);

    /// <summary>redis-cli style rendering, for messages and test failures.</summary>
    public override string ToString() => Type switch
    {
        _ when IsNull => "(nil)",
        RespType.SimpleString => AsString()!,
        RespType.Error => "(error) " + AsString(),
        RespType.Integer => "(integer) " + AsString(),
        RespType.BulkString => "\"" + AsString() + "\"",
        _ => "[" + string.Join(", ", AsArray()) + "]",
    };

    // The replies a pipeline sees thousands of times share one array each; callers only get
    // ReadOnlyMemory, so sharing is safe.
    private static byte[] Intern(ReadOnlySpan<byte> text) =>
        text.SequenceEqual(Ok) ? Ok : text.SequenceEqual(Queued) ? Queued : text.SequenceEqual(Pong) ? Pong : text.ToArray();

    private InvalidOperationException WrongType(string expected) =>
        new($"Expected {expected} reply from Redis but got {(IsNull ? "nil" : Type.ToString())}: {Truncate(ToString())}");

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
