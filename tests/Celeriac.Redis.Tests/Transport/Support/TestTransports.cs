using Celeriac.Redis.Client;
using Celeriac.Redis.Resp;
using Celeriac.Redis.Tests.Infrastructure;
using Celeriac.Redis.Transport;
using Celeriac.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Redis.Tests.Transport.Support;

/// <summary>Creates transports on a test server, each test apart by its own <c>global_keyprefix</c>.</summary>
internal static class TestTransports
{
    /// <summary>A fresh key prefix, so tests sharing a server never see each other's keys.</summary>
    public static string NewPrefix() => $"t{Guid.NewGuid():N}:";

    /// <summary>A transport on <paramref name="server"/> with the given <c>broker_transport_options</c>.</summary>
    public static RedisTransport Create(RedisServer server, IReadOnlyDictionary<string, string>? options = null, int database = 0,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        var app = new CeleriacOptions();
        foreach (var (key, value) in options ?? new Dictionary<string, string>()) app.BrokerTransportOptions[key] = value;
        return new RedisTransport(new ProviderContext(new Uri(server.Url(database)), app, loggers ?? NullLoggerFactory.Instance));
    }

    /// <summary>A transport whose keys all start with <paramref name="prefix"/>.</summary>
    public static RedisTransport Create(RedisServer server, string prefix, params (string Key, string Value)[] options) =>
        Create(server, options.Append((Key: "global_keyprefix", Value: prefix)).ToDictionary(o => o.Key, o => o.Value));

    /// <summary>A plain client for looking at raw keys.</summary>
    public static RedisClient Client(RedisServer server, int database = 0) => new(server.Options(database));

    /// <summary>Runs a command and returns the reply.</summary>
    public static async Task<RespValue> RunAsync(this RedisClient client, string name, params RedisArgument[] arguments) =>
        await client.ExecuteAsync(new RedisCommand(name, arguments));

    /// <summary>The elements of a list, head (LPUSH end) first.</summary>
    public static async Task<List<string>> ListAsync(this RedisClient client, string key) =>
        (await client.RunAsync("LRANGE", key, 0, -1)).AsArray().Select(v => v.AsString()!).ToList();
}
