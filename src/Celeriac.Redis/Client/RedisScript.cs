using System.Security.Cryptography;
using System.Text;
using Celeriac.Redis.Resp;

namespace Celeriac.Redis.Client;

/// <summary>
/// A Lua script run by hash: <c>EVALSHA</c> first, and <c>EVAL</c> (which also caches it) when
/// the server answers <c>NOSCRIPT</c> — after a restart, a failover or <c>SCRIPT FLUSH</c>. Create
/// one per script and keep it; the hash is computed once.
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>The hex SHA-1 Redis files the script under.</summary>
    public string Sha1 { get; }

    /// <summary>Runs the script with <paramref name="keys"/> as KEYS and <paramref name="arguments"/> as ARGV.</summary>
    public async ValueTask<RespValue> EvaluateAsync(RedisConnection connection, IReadOnlyList<RedisArgument> keys,
        IReadOnlyList<RedisArgument> arguments, CancellationToken cancellationToken = default)
    {
        try
        {
            return await connection.ExecuteAsync(EvalShaCommand(keys, arguments), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException error) when (error.ErrorCode == "NOSCRIPT")
        {
            return await connection.ExecuteAsync(EvalCommand(keys, arguments), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The <c>EVALSHA</c> command, for pipelines and MULTI where no fallback can happen mid-flight:
    /// send <see cref="LoadCommand"/> first (in the same batch) to be sure the script is there.
    /// </summary>
    public RedisCommand EvalShaCommand(IReadOnlyList<RedisArgument> keys, IReadOnlyList<RedisArgument> arguments) =>
        new("EVALSHA", Arguments(Sha1, keys, arguments));

    /// <summary>The <c>EVAL</c> command with the full source.</summary>
    public RedisCommand EvalCommand(IReadOnlyList<RedisArgument> keys, IReadOnlyList<RedisArgument> arguments) =>
        new("EVAL", Arguments(Source, keys, arguments));

    /// <summary><c>SCRIPT LOAD</c>, which caches the script and answers its hash.</summary>
    public RedisCommand LoadCommand() => new("SCRIPT", "LOAD", Source);

    private static RedisArgument[] Arguments(string script, IReadOnlyList<RedisArgument> keys, IReadOnlyList<RedisArgument> arguments)
    {
        var all = new RedisArgument[2 + keys.Count + arguments.Count];
        all[0] = script;
        all[1] = keys.Count;
        for (var i = 0; i < keys.Count; i++) all[2 + i] = keys[i];
        for (var i = 0; i < arguments.Count; i++) all[2 + keys.Count + i] = arguments[i];
        return all;
    }
}
