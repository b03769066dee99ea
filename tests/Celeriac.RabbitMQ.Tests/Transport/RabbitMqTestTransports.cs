using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.RabbitMQ.Transport;
using Celeriac.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>Transports and task messages for the RabbitMQ transport's own tests.</summary>
internal static class RabbitMqTestTransports
{
    /// <summary>A transport on <paramref name="url"/>; <paramref name="configure"/> may set options (task_queues, transport options).</summary>
    public static RabbitMqTransport Create(string url, Action<CeleriacOptions>? configure = null, ILoggerFactory? logs = null)
    {
        var options = new CeleriacOptions { BrokerUrl = url };
        configure?.Invoke(options);
        return new RabbitMqTransport(new ProviderContext(new Uri(url), options, logs ?? NullLoggerFactory.Instance));
    }

    /// <summary>A protocol v2 task message with a fresh id.</summary>
    public static BrokerMessage NewTask(string name = "test.echo", int index = 0)
    {
        var task = new TaskMessage { Task = name, Id = Guid.NewGuid().ToString(), Args = new JsonArray(index), Kwargs = [] };
        return TaskMessageCodec.Encode(task);
    }

    /// <summary>The task id of a message.</summary>
    public static string IdOf(BrokerMessage message) => message.Headers["id"]!.GetValue<string>();

    /// <summary>A fresh queue name.</summary>
    public static string NewQueue(string prefix = "rt") => $"{prefix}-{Guid.NewGuid():N}";
}
