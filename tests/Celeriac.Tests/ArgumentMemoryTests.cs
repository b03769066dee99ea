using System.Text.Json.Nodes;
using Celeriac.Protocol.Messages;
using Celeriac.Serialization;
using Xunit.Abstractions;

namespace Celeriac.Tests;

/// <summary>What reading a message with one big string argument allocates, step by step, per byte of argument.</summary>
public sealed class ArgumentMemoryTests(ITestOutputHelper output)
{
    private const int ArgumentLength = 20 * 1024 * 1024 + 1; // a body with base64 padding
    private static readonly string[] Accept = [ContentTypes.Json];

    [Fact]
    public void Reading_and_binding_a_big_string_argument_allocates_a_few_times_its_size()
    {
        var argument = new string('y', ArgumentLength);
        var message = TaskMessageCodec.Encode(new TaskMessage { Task = "t", Id = "i", Args = [argument] });
        var envelope = KombuEnvelope.Encode(message, DeliveryInfo.ToQueue("celery"));
        var json = CeleriacJson.CreateDefaultOptions();
        string? bound = null;
        Step("warm-up", () => bound = (string?)CeleriacJson.FromNode(TaskMessageCodec.Decode(KombuEnvelope.Decode((ReadOnlyMemory<byte>)envelope).Message, Accept).Args[0], typeof(string), json));
        bound.Should().HaveLength(ArgumentLength);

        KombuEnvelope? read = null;
        TaskMessage? decoded = null;
        var total = Step("envelope (base64 → body)", () => read = KombuEnvelope.Decode((ReadOnlyMemory<byte>)envelope))
            + Step("task message (body → args)", () => decoded = TaskMessageCodec.Decode(read!.Message, Accept, 0))
            + Step("bind as string", () => bound = (string?)CeleriacJson.FromNode(decoded!.Args[0], typeof(string), json));
        output.WriteLine($"total: {total / (double)ArgumentLength:F2} bytes allocated per byte of argument");

        bound.Should().Be(argument);
        // Was 4 (the args copied out of the body before binding), 5 for 2 body lengths of 3 (the
        // decoded body trimmed by a copy): now the body and the bound string (2 bytes a character).
        total.Should().BeLessThan((long)(3.2 * ArgumentLength), "the body and the bound string, and no copy between them");
    }

    [Fact]
    public async Task Sending_a_big_string_argument_allocates_a_few_times_its_size()
    {
        var argument = new string('y', ArgumentLength);
        await using var app = CeleriacApp.Create();
        JsonArray? args = null;
        TaskMessage? built = null;
        BrokerMessage? encoded = null;
        void Send()
        {
            args = CeleriacJson.ToArgs([argument], app.Options.Json);
            built = app.Publisher.Build("t", args, [], null, null);
            encoded = TaskMessageCodec.Encode(built);
            KombuEnvelope.Encode(encoded, DeliveryInfo.ToQueue("celery"));
        }
        Step("warm-up", Send);

        var total = Step("arguments to nodes", () => args = CeleriacJson.ToArgs([argument], app.Options.Json))
            + Step("build (argsrepr)", () => built = app.Publisher.Build("t", args!, [], null, null))
            + Step("encode body", () => encoded = TaskMessageCodec.Encode(built!))
            + Step("kombu envelope (base64)", () => KombuEnvelope.Encode(encoded!, DeliveryInfo.ToQueue("celery")));
        output.WriteLine($"total: {total / (double)ArgumentLength:F2} bytes allocated per byte of argument");

        // Was 15 (a full repr cut to 1024 characters, a base64 string in a node tree, grown
        // buffers): now the body's bytes with the writer's room for them, and the envelope.
        total.Should().BeLessThan(6L * ArgumentLength);
    }

    [Fact]
    public void A_string_node_made_in_process_binds_as_the_string_itself()
    {
        var argument = new string('y', ArgumentLength);
        var json = CeleriacJson.CreateDefaultOptions();

        var node = CeleriacJson.ToArgs([argument], json)[0];
        var bound = CeleriacJson.FromNode(node, typeof(string), json);

        // JsonNode.Deserialize would write it into a buffer rented from the shared pool (which keeps
        // it: 64 MB for this argument) and read a new string back.
        ReferenceEquals(bound, argument).Should().BeTrue("the node holds the string and binding hands it over");
    }

    private long Step(string name, Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{name}: {allocated / (double)ArgumentLength:F2} bytes per byte of argument");
        return allocated;
    }
}
