namespace Celeriac.Redis.Tests.Infrastructure;

// Apart from RedisServer.cs because it needs Celeriac.Redis's internals: other test projects link
// RedisServer.cs (tests/Celeriac.Samples.Tests) without this part.
internal sealed partial class RedisServer
{
    internal RedisConnectionOptions Options(int database = 0, string? query = null) => RedisConnectionOptions.Parse(Url(database, query: query));
}
