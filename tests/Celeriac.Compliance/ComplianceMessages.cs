using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <summary>Messages the transport suite publishes: real protocol v2 task messages, told apart by their task id.</summary>
internal static class ComplianceMessages
{
    /// <summary>A task message as a Python 5.2 client would send it, with a fresh id and a few custom headers.</summary>
    public static BrokerMessage Task(int index = 0)
    {
        var task = new TaskMessage
        {
            Task = "compliance.echo",
            Id = Guid.NewGuid().ToString(),
            Args = new JsonArray(index, "text é ✓"),
            Kwargs = new JsonObject { ["flag"] = true, ["nothing"] = null },
            Origin = "gen1@compliance",
            Retries = 0,
            ExtraHeaders = new JsonObject
            {
                ["x_index"] = index,
                ["x_list"] = new JsonArray("a", 1, false),
            },
        };
        task.Properties.ReplyTo = "2d17486b-0163-3047-9a7a-e35d9713019a";
        task.Properties.DeliveryMode = 2;
        task.Properties.Priority = 0;
        task.Properties.Expiration = "600000";
        return TaskMessageCodec.Encode(task);
    }

    /// <summary>The task id of a published message.</summary>
    public static string IdOf(BrokerMessage message) => message.Headers["id"]!.GetValue<string>();

    /// <summary>The task id of a delivered message.</summary>
    public static string IdOf(TransportDelivery delivery) =>
        IdOf(delivery.Message ?? throw new InvalidOperationException($"delivery {delivery.DeliveryTag} is malformed: {delivery.Malformed?.Message}"));
}
