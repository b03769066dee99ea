using System.Text;
using System.Text.Json.Nodes;
using Celeriac.Control.Mailbox;
using Celeriac.Memory;
using Celeriac.Protocol.Messages;
using Celeriac.Transport;

namespace Celeriac.Tests.Control;

/// <summary>
/// Bad input never closes the mailbox (docs/interop.md "Remote control and events"): a malformed
/// request of any kind is logged and dropped, a bad argument or a command that throws is answered
/// <c>{"error": …}</c>, an unknown command gets Celery's <c>KeyError</c> reply — and a ping sent
/// next is still answered.
/// </summary>
public sealed class MailboxBadInputTests
{
    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "not JSON", "{\"method\": \"ping\"" },
        { "not an object", "[\"ping\"]" },
        { "a string", "\"ping\"" },
        { "no method", """{"arguments": {}, "reply_to": {"exchange": "reply.celery.pidbox", "routing_key": "x"}, "ticket": "t"}""" },
        { "a method that is not a string", """{"method": 42, "arguments": {}}""" },
        { "arguments that are not an object", """{"method": "ping", "arguments": [1, 2]}""" },
        { "a destination that is not a list of names", """{"method": "ping", "arguments": {}, "destination": [1]}""" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_request_is_dropped_and_the_next_ping_is_answered(string kind, string body)
    {
        _ = kind;
        await using var bed = await ControlTestBed.StartAsync();

        await bed.Client.PublishRawAsync(Encoding.UTF8.GetBytes(body));

        await bed.StillAnswersAsync();
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("[1]")]
    [InlineData("{\"a\": 1}")]
    [InlineData("true")]
    public async Task A_clock_that_is_not_a_number_drops_the_request(string clock)
    {
        await using var bed = await ControlTestBed.StartAsync();
        var request = """{"method": "ping", "arguments": {}, "ticket": "t1", "reply_to": {"exchange": "reply.celery.pidbox", "routing_key": "nobody"}}""";

        await bed.Client.PublishRawAsync(Encoding.UTF8.GetBytes(request), new JsonObject { ["clock"] = JsonNode.Parse(clock) });

        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task A_request_that_is_not_json_content_is_dropped()
    {
        await using var bed = await ControlTestBed.StartAsync();

        await bed.Client.PublishRawAsync([0x80, 0x04, 0x95], contentType: "application/x-python-serialize");

        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task An_envelope_the_transport_could_not_read_is_dropped()
    {
        await using var bed = await ControlTestBed.StartAsync();
        var exchange = bed.Harness.Broker.Exchange(WorkerMailbox.Exchange);

        foreach (var subscription in exchange.Subscriptions)
            subscription.Deliver(new BroadcastMessage(WorkerMailbox.Exchange, "", null, new InvalidMessageException("bad base64 body")));

        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task An_unknown_command_gets_celerys_key_error_reply()
    {
        await using var bed = await ControlTestBed.StartAsync();

        (await bed.AskAsync("no_such_command")).Text().Should().Be("""{"error":"KeyError('no_such_command')"}""");
        await bed.StillAnswersAsync();
    }

    [Theory]
    [InlineData("query_task", """{"ids": 5}""")]
    [InlineData("query_task", """{"ids": [1, 2]}""")]
    [InlineData("hello", """{}""")]
    [InlineData("hello", """{"from_node": "celery@x", "revoked": [1]}""")]
    [InlineData("pool_grow", """{"n": "many"}""")]
    [InlineData("pool_shrink", """{"n": -1}""")]
    [InlineData("add_consumer", """{"queue": 7}""")]
    [InlineData("cancel_consumer", """{}""")]
    [InlineData("conf", """{"with_defaults": "perhaps"}""")]
    [InlineData("registered", """{"taskinfoitems": {"a": 1}}""")]
    public async Task A_bad_argument_is_answered_with_a_type_error_and_the_next_ping_is_answered(string method, string arguments)
    {
        await using var bed = await ControlTestBed.StartAsync();

        var value = await bed.AskAsync(method, (JsonObject)JsonNode.Parse(arguments)!);

        value!["error"]!.GetValue<string>().Should().StartWith("TypeError(");
        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task Unknown_arguments_are_ignored()
    {
        await using var bed = await ControlTestBed.StartAsync();

        (await bed.AskAsync("ping", new JsonObject { ["whatever"] = 1, ["timeout"] = 3 })).Text().Should().Be("""{"ok":"pong"}""");
    }

    [Fact]
    public async Task A_command_that_throws_is_answered_with_the_repr_of_its_exception()
    {
        await using var bed = await ControlTestBed.StartAsync(beforeStart: w => w.ExtraControlCommandsForTests =
            [ControlCommand.Sync("explode", (_, _) => throw new InvalidOperationException("boom"))]);

        (await bed.AskAsync("explode")).Text().Should().Be("""{"error":"InvalidOperationException('boom')"}""");
        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task Autoscale_without_an_autoscaler_is_celerys_value_error()
    {
        await using var bed = await ControlTestBed.StartAsync();

        (await bed.AskAsync("autoscale", new JsonObject { ["max"] = 4, ["min"] = 1 })).Text()
            .Should().Be("""{"error":"ValueError('Autoscale not enabled')"}""");
    }

    [Theory]
    [InlineData("objgraph")]
    [InlineData("memdump")]
    [InlineData("memsample")]
    [InlineData("pymodule")]
    [InlineData("pool_restart")]
    public async Task A_python_only_command_gets_an_error_reply_saying_so(string method)
    {
        await using var bed = await ControlTestBed.StartAsync();

        (await bed.AskAsync(method))!["error"]!.GetValue<string>().Should().Contain("Python-only");
    }

    [Fact]
    public async Task Many_bad_requests_in_a_row_leave_the_mailbox_answering()
    {
        await using var bed = await ControlTestBed.StartAsync();
        foreach (var (_, body) in MalformedBodies.Select(r => ((string)r[0], (string)r[1])))
            await bed.Client.PublishRawAsync(Encoding.UTF8.GetBytes(body));
        for (var i = 0; i < 3; i++) await bed.Client.CallAsync("no_such_command");

        await bed.StillAnswersAsync();
    }
}
