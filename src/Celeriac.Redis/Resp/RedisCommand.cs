namespace Celeriac.Redis.Resp;

/// <summary>
/// A command as Redis receives it: a name and arguments, written as an array of bulk strings.
/// Sub-commands are arguments: <c>new RedisCommand("CLIENT", "SETNAME", "worker-1")</c>.
/// </summary>
internal readonly struct RedisCommand
{
    /// <summary>Creates a command.</summary>
    public RedisCommand(string name, params RedisArgument[] arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Arguments = arguments ?? [];
    }

    /// <summary>The command name, e.g. <c>SET</c>; also what timeouts and errors report.</summary>
    public string Name { get; }

    /// <summary>The arguments after the name.</summary>
    public RedisArgument[] Arguments { get; }

    /// <summary>
    /// For blocking commands (BRPOP, BLMOVE, BZPOPMIN…): the timeout the server was given, so the
    /// reply is expected within that plus the socket timeout. <see cref="TimeSpan.Zero"/> means the
    /// server blocks forever, so the client waits forever too.
    /// </summary>
    public TimeSpan? BlockingTimeout { get; init; }

    /// <summary>This command, marked as blocking on the server for up to <paramref name="serverTimeout"/>.</summary>
    public RedisCommand WithBlockingTimeout(TimeSpan serverTimeout) => this with { BlockingTimeout = serverTimeout };

    /// <summary>The name only: arguments may hold secrets (AUTH) or megabytes of payload.</summary>
    public override string ToString() => Name;
}
