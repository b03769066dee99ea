using System.Buffers;

namespace Celeriac.Redis.Resp;

/// <summary>
/// Parses RESP2 replies from a byte sequence, one whole reply or nothing: on truncated input
/// <see cref="TryRead"/> returns false and leaves the buffer as it was. A connection reads with
/// its own <see cref="RespReader"/> instead, which keeps what it has parsed of a long reply between
/// reads; this is the same parser for callers that hold the whole input (tests, a scripted server).
/// </summary>
internal static class RespParser
{
    /// <summary>Redis's own limit (<c>proto-max-bulk-len</c> default); anything longer is garbage.</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Longest simple string or error line accepted; real ones are a few dozen bytes.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>
    /// Reads one reply from the start of <paramref name="buffer"/>. On success slices the reply off
    /// the buffer; when the reply is incomplete returns false and leaves the buffer as it was.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not RESP2.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RespValue value)
    {
        var rest = buffer;
        if (!new RespReader().TryRead(ref rest, out value)) return false;
        buffer = rest;
        return true;
    }
}
