using System.Text.Json.Nodes;
using Celeriac.Canvas;
using Celeriac.Protocol.Json;
using Celeriac.Protocol.Messages;

namespace Celeriac.Tests.Canvas;

/// <summary>The signature's wire form, partial application and sending of a plain signature.</summary>
public sealed class SignatureTests
{
    [Fact]
    public void Signatures_python_embedded_read_and_write_back_unchanged()
    {
        var message = RetryTestBed.Vector("task_v2_08_link_and_link_error")["messages"]![0]!["envelope"]!.AsObject();
        var body = CeleryJson.Parse(Convert.FromBase64String(message["body"]!.GetValue<string>()))!.AsArray();
        var embedded = body[2]!["callbacks"]!.AsArray().Concat(body[2]!["errbacks"]!.AsArray()).ToList();

        embedded.Should().HaveCount(3);
        foreach (var wire in embedded)
            JsonNode.DeepEquals(Signature.FromJson(wire).ToJson(), wire).Should().BeTrue(wire!.ToJsonString());
    }

    [Fact]
    public void Clone_prepends_args_merges_kwargs_and_keeps_a_set_group_id()
    {
        var sig = new Signature("tasks.mul", [10], new JsonObject { ["a"] = 1 }, new JsonObject { ["group_id"] = "g1", ["queue"] = "q" });

        var applied = sig.Clone([3], new JsonObject { ["a"] = 2, ["b"] = 3 }, new JsonObject { ["group_id"] = "g2", ["queue"] = "other", ["parent_id"] = "p" });

        applied.Args.ToJsonString().Should().Be("[3,10]");
        applied.Kwargs.ToJsonString().Should().Be("""{"a":2,"b":3}""");
        applied.Options.ToJsonString().Should().Be("""{"group_id":"g1","queue":"other","parent_id":"p"}""");
        sig.Args.ToJsonString().Should().Be("[10]", "cloning leaves the original alone");
    }

    [Fact]
    public void Clone_of_an_immutable_signature_takes_options_but_no_arguments()
    {
        var sig = new Signature("tasks.mul", [10], immutable: true);

        var applied = sig.Clone([3], new JsonObject { ["b"] = 3 }, new JsonObject { ["priority"] = 5 });

        applied.Args.ToJsonString().Should().Be("[10]");
        applied.Kwargs.Count.Should().Be(0);
        applied.Options["priority"]!.GetValue<int>().Should().Be(5);
    }

    [Fact]
    public void FromJson_refuses_a_signature_without_a_task_name()
    {
        var act = () => Signature.FromJson(new JsonObject { ["args"] = new JsonArray() });

        act.Should().Throw<InvalidMessageException>().WithMessage("*no 'task'*");
    }

    [Fact]
    public async Task A_sent_signature_carries_its_options_onto_the_message()
    {
        await using var bed = RetryTestBed.Create();
        var sig = new Signature("tasks.mul", [10], options: new JsonObject
        {
            ["task_id"] = "c0000000-0000-4000-8000-00000000000c",
            ["queue"] = "math",
            ["priority"] = 3,
            ["group_id"] = "g1",
            ["group_index"] = 2,
            ["countdown"] = 5,
            ["link"] = new Signature("tasks.log").ToJson(),
        });

        var result = await sig.Clone([3], options: new JsonObject { ["parent_id"] = "p1", ["root_id"] = "r1" }).SendWorkflowAsync(bed.App, default);

        result.Id.Should().Be("c0000000-0000-4000-8000-00000000000c");
        var (raw, route) = bed.Published.Single();
        route.RoutingKey.Should().Be("math");
        var sent = TaskMessageCodec.Decode(raw, [ContentTypes.Json]);
        sent.Args.ToJsonString().Should().Be("[3,10]");
        (sent.Group, sent.GroupIndex, sent.ParentId, sent.RootId, sent.Properties.Priority).Should().Be(("g1", 2, "p1", "r1", 3));
        sent.Eta.Should().Be(bed.Clock.GetUtcNow().AddSeconds(5));
        sent.Embed.Callbacks!.Single()!["task"]!.GetValue<string>().Should().Be("tasks.log");
    }
}
