using System.Text.Json.Nodes;
using Celeriac.TestSupport;

namespace Celeriac.Tests.Control;

/// <summary>
/// Commands the mailbox hands to the worker's events, pool and revocation members (docs/protocol.md §7.5):
/// the request from the vector reaches its member and the reply is Celery's.
/// </summary>
public sealed class DelegatedCommandTests
{
    [Theory]
    [InlineData("pidbox_revoke", true)]
    [InlineData("pidbox_revoke_terminate", true)]
    [InlineData("pidbox_rate_limit", true)]
    [InlineData("pidbox_time_limit", true)]
    [InlineData("pidbox_heartbeat", true)]
    [InlineData("pidbox_pool_grow", true)]
    [InlineData("pidbox_pool_shrink", true)]
    [InlineData("pidbox_add_consumer", true)]
    [InlineData("pidbox_cancel_consumer", true)]
    [InlineData("pidbox_enable_events", false)] // the vector's worker ran with -E: "already enabled"
    public async Task The_vectors_request_reaches_its_member_and_gets_celerys_reply(string vector, bool exact)
    {
        await using var bed = await ControlTestBed.StartAsync(register: app => app.Task("tasks.add", (int x, int y) => x + y));
        var v = GoldenVectors.Load(vector);
        var request = v["request"]!["body_decoded"]!.AsObject();
        var expected = v["reply"]!["body_decoded"]!.AsObject().First().Value;

        var actual = await bed.AskAsync(request["method"]!.GetValue<string>(), (JsonObject)request["arguments"]!.DeepClone());

        if (exact) actual.Text().Should().Be(expected.Text());
        else ReplyShape.AssertSame(expected, actual);
        await bed.StillAnswersAsync();
    }

    [Fact]
    public async Task A_revoke_cast_without_reply_to_is_carried_out_silently()
    {
        await using var bed = await ControlTestBed.StartAsync();

        await bed.Client.CastAsync("revoke", new JsonObject { ["task_id"] = "bb000000-0000-4000-8000-00000000000b" });

        await bed.StillAnswersAsync();
    }
}
