using Celeriac.Redis.Tests.Infrastructure;

namespace Celeriac.Cli.Tests;

/// <summary>A test that drives the tool in a real terminal (tmux) against redis-server: skipped outside CI when either is missing, failing in CI.</summary>
public sealed class TmuxFactAttribute : FactAttribute
{
    public TmuxFactAttribute()
    {
        if ((ExternalTool.SkipReason("redis-server", "apt-get install redis-server") ??
             ExternalTool.SkipReason("tmux", "apt-get install tmux")) is { } reason) Skip = reason;
    }
}
